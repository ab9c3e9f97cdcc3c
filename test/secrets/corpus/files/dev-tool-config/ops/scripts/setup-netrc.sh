#!/usr/bin/env bash
set -euo pipefail
# Give the build container access to the private Go modules.
cat > "$HOME/.netrc" <<NETRC
machine github.com login ci-bot password ghp_5RgkfjnbQ7OyMtKbQn1xxqBNRgoZ9V2Ouq70
NETRC
chmod 600 "$HOME/.netrc"
go mod download
