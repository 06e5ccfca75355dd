#!/usr/bin/env bash
# Install what the test suite needs beyond Python packages: Debian's chromium
# (driven by playwright, never a browser playwright downloads), a Java runtime,
# nginx and the Nu Html Checker from npm. Idempotent: installs only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || missing+=(npm)
[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
# nginx in front of the site, serving cached pages from disk (tests/pagecache).
command -v nginx >/dev/null 2>&1 || missing+=(nginx-light)
[ -e /usr/lib/nginx/modules/ngx_http_brotli_static_module.so ] || missing+=(libnginx-mod-http-brotli-static)

# PostgreSQL and Redis for the production-mode tests: used when running,
# installed from Debian's packages and started when not.
pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null || {
  command -v pg_ctlcluster >/dev/null 2>&1 || missing+=(postgresql)
  NEED_POSTGRES_START=1
}
redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || {
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  NEED_REDIS_START=1
}

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -n "${NEED_POSTGRES_START:-}" ]; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
if [ -n "${NEED_REDIS_START:-}" ]; then
  echo "Starting Redis"
  mkdir -p /var/lib/redis
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no --dir /var/lib/redis
  for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
fi
# The tests log in as role "newsdesk" (password "newsdesk"), whatever the
# server's authentication method for 127.0.0.1.
if ! runuser -u postgres -- psql -qtAc "SELECT 1 FROM pg_roles WHERE rolname = 'newsdesk'" 2>/dev/null | grep -q 1; then
  runuser -u postgres -- psql -qc "CREATE ROLE newsdesk LOGIN SUPERUSER PASSWORD 'newsdesk'"
fi

if [ ! -f node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "Installing the Nu Html Checker (npm vnu-jar)"
  npm ci --no-audit --no-fund --ignore-scripts
fi
