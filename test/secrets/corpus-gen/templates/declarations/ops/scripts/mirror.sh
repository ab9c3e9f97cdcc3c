#!/usr/bin/env bash
set -euo pipefail
wget --http-user=mirror --http-password={{S:password}} https://files.acme-internal.net/dump.tar
wget --proxy-user=ops --proxy-password={{S:password}} https://files.acme-internal.net/list.txt
curl -fsS \
    --proxy-user ops:{{S:password}} \
    --proxy https://proxy.acme-internal.net:3128 \
    https://files.acme-internal.net/
curl --cert client.pem --tlspassword {{S:password}} https://mtls.acme-internal.net/
mysql -h db.acme-internal.net -u backup -p{{S:password}} shop < restore.sql
