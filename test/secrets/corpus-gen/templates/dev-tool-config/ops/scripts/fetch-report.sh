#!/bin/sh
# Nightly report pull from the partner API.
curl -sf -u reporting:{{S:password}} https://api.acme-partner.com/v2/reports/daily -o /tmp/daily.csv
curl -sf -H "Authorization: Bearer {{S:alnum-32}}" https://metrics.acme-internal.net/api/push --data-binary @/tmp/daily.csv
