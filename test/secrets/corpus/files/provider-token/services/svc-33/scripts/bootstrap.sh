#!/usr/bin/env bash
set -euo pipefail
export CLOJARS_PASSWORD="CLOJARS_32gfp7yvk7iuazqq14llby4oa2va105nukul0czlvfgy4ezxdg71f4ldzxbm"
export CARGO_REGISTRY_TOKEN="cioDcSXpq4s6f1zXCGp0wrwRnddLa1eS8L8"
export DOCKERHUB_TOKEN="dckr_pat_RSVI5F83d0G2pfX6iztoLopy-DJ"
./run-migrations
