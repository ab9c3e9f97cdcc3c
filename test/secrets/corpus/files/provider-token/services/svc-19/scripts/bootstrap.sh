#!/usr/bin/env bash
set -euo pipefail
export BRAINTREE_ACCESS_TOKEN="access_token$production$5sxwy52ahx9io764$f82566480384e55337db6c6b78e42816"
export PLAID_ACCESS_TOKEN="access-production-ce8c2a98-6404-439b-bf56-b87550d0d132"
export FLW_SECRET_KEY="FLWSECK-0263db5c5724f7839babf7b724a34ae3-X"
./run-migrations
