#!/usr/bin/env bash
set -euo pipefail
docker login -u ci-bot -p {{S:password}} registry.acme-internal.net
echo "$GHCR_TOKEN" | docker login ghcr.io -u acme --password-stdin
sshpass -p '{{S:password}}' scp build.tar.gz deploy@web-01.acme-internal.net:/srv/releases/
mysqldump -u backup -p{{S:password}} --single-transaction shop > /backups/shop.sql
./bin/notify --password={{S:password}} --channel releases
