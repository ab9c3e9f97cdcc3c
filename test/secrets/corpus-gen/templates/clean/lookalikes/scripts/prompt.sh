#!/usr/bin/env bash
read -r -s -p "Password: " PASSWORD
echo
export PGPASSWORD="$PASSWORD"
TOKEN="$(cat /run/secrets/token)"
psql "postgresql://app@db/app" -c 'select 1'
