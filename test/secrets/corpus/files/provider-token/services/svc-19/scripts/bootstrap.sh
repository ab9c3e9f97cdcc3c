#!/usr/bin/env bash
set -euo pipefail
export BRAINTREE_ACCESS_TOKEN="access_token$production$x43rsanfft4pitm7$f7a2f2f4fde66f36faf975396d05da00"
export PLAID_ACCESS_TOKEN="access-production-b3545690-b409-46fa-85c7-c2e27111db8e"
export FLW_SECRET_KEY="FLWSECK-277a8d1fdab575a98d7bb262d9636d9e-X"
./run-migrations
