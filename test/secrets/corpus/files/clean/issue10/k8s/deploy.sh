#!/bin/sh
wget --http-password="$HTTP_PASSWORD" https://files.acme-internal.net/
curl --proxy-user "$PROXY_USER:$PROXY_PASS" https://files.acme-internal.net/
mysql -u root -p orders
docker login -u ci --password-stdin registry.acme-internal.net
