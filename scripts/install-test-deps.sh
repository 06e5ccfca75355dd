#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages: Debian's chromium
# (driven by playwright, never a browser playwright downloads), a Java runtime
# and the Nu Html Checker from npm. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "Installing the Nu Html Checker (npm vnu-jar)"
  npm ci --no-audit --no-fund --ignore-scripts
fi
