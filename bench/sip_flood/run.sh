#!/usr/bin/env bash
# SIP flood benchmark for Hotline (not a test). See bench/sip_flood/README.md.
#   bench/sip_flood/run.sh [--build-dir build] [--users 50] [--flood-seconds 40] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
for tool in sipp python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install sip-tester)"; exit 2; }
done
exec python3 "$here/driver.py" "$@"
