#!/bin/sh
# Nightly report pull from the partner API.
curl -sf -u reporting:marble75Copper https://api.acme-partner.com/v2/reports/daily -o /tmp/daily.csv
curl -sf -H "Authorization: Bearer HQHH4thQ1L4k5RzwNPTxRjljK65asm3z" https://metrics.acme-internal.net/api/push --data-binary @/tmp/daily.csv
