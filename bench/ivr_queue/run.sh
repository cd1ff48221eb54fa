#!/usr/bin/env bash
# IVR -> queue call-load benchmark for Hotline (not a test). See bench/ivr_queue/README.md.
#   bench/ivr_queue/run.sh [--build-dir build] [--levels 100,250,500,1000] [--agents N] [--call-seconds 30] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# Thousands of RTP sockets: raise the descriptor limit as far as allowed.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
echo "open files limit: $(ulimit -n)"
for tool in sipp sox soxi python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install sip-tester sox)"; exit 2; }
done
exec python3 "$here/driver.py" "$@"
