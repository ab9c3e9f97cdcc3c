#!/usr/bin/env bash
set -euo pipefail
export BRAINTREE_ACCESS_TOKEN="access_token$production$kfuzjnvuqg27pn6p$017ff1f88c65d2f8cfb6830707869e30"
export PLAID_ACCESS_TOKEN="access-production-5ed49124-2976-4e72-8a99-b09d4ca32949"
export FLW_SECRET_KEY="FLWSECK-944d3dca696763b5c1bb3bf87426274f-X"
./run-migrations
