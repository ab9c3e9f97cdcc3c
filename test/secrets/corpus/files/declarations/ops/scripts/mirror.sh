#!/usr/bin/env bash
set -euo pipefail
wget --http-user=mirror --http-password=r4rIq2tTVb047kwG https://files.acme-internal.net/dump.tar
wget --proxy-user=ops --proxy-password=orchid97Walnut https://files.acme-internal.net/list.txt
curl -fsS \
    --proxy-user ops:ETEegXugz5pWzfPvCArMpzLP \
    --proxy https://proxy.acme-internal.net:3128 \
    https://files.acme-internal.net/
curl --cert client.pem --tlspassword juniper38Tangerine https://mtls.acme-internal.net/
mysql -h db.acme-internal.net -u backup -p6TaC!yen*sLl3NKR shop < restore.sql
