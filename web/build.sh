#!/usr/bin/env bash
# Builds the web console (TypeScript + Vite) into web/dist, which hotline serves at /.
# Run by `make` (target build) and by the CMake target `web`.
#   - skipped, with a message, when node/npm are missing or older than Node 18, or when
#     `npm ci` cannot reach the registry;
#   - `npm ci` only when node_modules is missing or package-lock.json changed since;
#   - `npm run build` only when a source file is newer than web/dist/index.html
#     (WEB_FORCE=1 rebuilds anyway).
set -euo pipefail
cd "$(dirname "$0")"

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "web: node/npm not found — the web console is NOT built (scripts/install-deps.sh installs nodejs + npm)"
  exit 0
fi
major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$major" -lt 18 ]; then
  echo "web: Node $(node --version) is too old (18 or newer needed) — the web console is NOT built"
  exit 0
fi

stamp=node_modules/.hotline-lock.sha256
lock_sum=$(sha256sum package-lock.json | cut -d' ' -f1)
if [ ! -d node_modules ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  echo "web: npm ci (node_modules missing or package-lock.json changed)"
  if ! npm ci --no-audit --no-fund --loglevel=error; then
    # No registry (offline machine): the server builds and runs without its console.
    echo "web: npm ci failed (is the npm registry reachable?) — the web console is NOT built"
    exit 0
  fi
  echo "$lock_sum" > "$stamp"
fi

if [ -z "${WEB_FORCE:-}" ] && [ -f dist/index.html ] &&
   [ -z "$(find src index.html package.json package-lock.json tsconfig.json vite.config.ts -newer dist/index.html -print -quit)" ]; then
  echo "web: console up to date (web/dist)"
  exit 0
fi
echo "web: building the console into web/dist"
npm run --silent build -- --logLevel warn
echo "web: built web/dist ($(du -sh dist | cut -f1))"
