#!/usr/bin/env bash
set -euo pipefail
# Give the build container access to the private Go modules.
cat > "$HOME/.netrc" <<NETRC
machine github.com login ci-bot password ghp_q83x3WwaImDjbYo5JEfwwMOncFOASQoqPsSG
NETRC
chmod 600 "$HOME/.netrc"
go mod download
