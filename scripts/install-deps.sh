#!/usr/bin/env bash
# Installs the Debian 12 packages Hotline needs to build, run and test.
# Idempotent: installs only what is missing; safe to run on every `make`.
set -euo pipefail
PKGS=(
  build-essential cmake ninja-build pkg-config clang-format
  libsofia-sip-ua-dev libspandsp-dev libsndfile1-dev libsoxr-dev
  libespeak-ng-dev espeak-ng-data libsqlite3-dev sqlite3
  libssl-dev libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang libclang-rt-14-dev
  sip-tester baresip sox python3
  libboost1.81-dev libsodium-dev libsrtp2-dev
  chromium fonts-wqy-microhei
)
# Node.js builds the web console (npm packages); any Node >= 18 will do, so a Node that is
# already installed (e.g. from NodeSource) is kept, else Debian's nodejs + npm are added.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  PKGS+=(nodejs npm)
fi
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
