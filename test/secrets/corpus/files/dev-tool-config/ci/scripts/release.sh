#!/usr/bin/env bash
set -euo pipefail
docker login -u ci-bot -p Mcqg5bc!rtm!_7SL registry.acme-internal.net
echo "$GHCR_TOKEN" | docker login ghcr.io -u acme --password-stdin
sshpass -p 'Meadow!4485' scp build.tar.gz deploy@web-01.acme-internal.net:/srv/releases/
mysqldump -u backup -ptangerine45Marble --single-transaction shop > /backups/shop.sql
./bin/notify --password=ember05Quartz --channel releases
