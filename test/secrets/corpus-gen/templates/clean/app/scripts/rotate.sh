#!/usr/bin/env bash
set -euo pipefail
NEW_PASSWORD="$(openssl rand -base64 32)"
export PGPASSWORD="${PGPASSWORD:?}"
TOKEN=$(vault kv get -field=token secret/ci/github)
psql -c "ALTER ROLE app PASSWORD '${NEW_PASSWORD}'"
curl -sf -H "Authorization: Bearer ${TOKEN}" https://api.github.com/user
