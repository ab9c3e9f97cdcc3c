#!/usr/bin/env bash
set -euo pipefail
echo "$REGISTRY_PASSWORD" | docker login -u "$REGISTRY_USER" --password-stdin registry.acme-internal.net
docker login -u ci -p "$CI_REGISTRY_PASSWORD" "$CI_REGISTRY"
mysql -u root -p shop < schema.sql
sshpass -p "$DEPLOY_PASSWORD" ssh deploy@web-01 'systemctl restart app'
./bin/notify --password "${NOTIFY_PASSWORD}" --channel releases
kubectl create secret generic db --from-literal=password="$(openssl rand -base64 24)"
