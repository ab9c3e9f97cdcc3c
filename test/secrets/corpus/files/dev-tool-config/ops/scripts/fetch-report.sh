#!/bin/sh
# Nightly report pull from the partner API.
curl -sf -u reporting:lantern09Lantern https://api.acme-partner.com/v2/reports/daily -o /tmp/daily.csv
curl -sf -H "Authorization: Bearer qLixVvSl3L3aX3WHZAhW9RKJ5tqpuXAu" https://metrics.acme-internal.net/api/push --data-binary @/tmp/daily.csv
