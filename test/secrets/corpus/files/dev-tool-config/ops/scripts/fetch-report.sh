#!/bin/sh
# Nightly report pull from the partner API.
curl -sf -u reporting:Orchid~5793 https://api.acme-partner.com/v2/reports/daily -o /tmp/daily.csv
curl -sf -H "Authorization: Bearer miTU7CMcTD56OvlALS3gBe9cKpvt8tZO" https://metrics.acme-internal.net/api/push --data-binary @/tmp/daily.csv
