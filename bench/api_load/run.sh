#!/usr/bin/env bash
# HTTP + WebSocket API load benchmark for Hotline (not a test). See bench/api_load/README.md.
#   bench/api_load/run.sh [--build-dir build] [--clients 1000] [--calls 50] [--event-seconds 30] ...
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# 1,000 WebSockets on both ends, sipp's RTP sockets: raise the descriptor limit.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
echo "open files limit: $(ulimit -n)"
for tool in sipp sox python3; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install sip-tester sox)"; exit 2; }
done
exec python3 "$here/driver.py" "$@"
