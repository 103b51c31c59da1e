#!/usr/bin/env bash
# Prepares a fresh Debian machine for phasegate: Django from Debian (3.2 system-wide, 4.2 and 5.2 under .cache/django),
# PostgreSQL and Redis running, Chromium for the browser tests, npm packages.
# The tests start their own Redis Cluster, Sentinel group and TLS Redis from the same redis-server binary.
# Safe to run again: it installs and starts only what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
/usr/bin/python3 -c "import django" 2>/dev/null || missing+=(python3-django)
/usr/bin/python3 -c "import psycopg2" 2>/dev/null || missing+=(python3-psycopg2)
command -v redis-server >/dev/null || missing+=(redis-server)
# redis-cli builds the test Redis Clusters (--cluster create); openssl makes the test certificates.
command -v redis-cli >/dev/null || missing+=(redis-tools)
command -v openssl >/dev/null || missing+=(openssl)
command -v pg_ctlcluster >/dev/null || missing+=(postgresql)
# The browser tests of the sandbox page drive Debian's Chromium (playwright-core downloads no browser); the emoji
# font draws the page's emoji in its screenshots.
[ -x /usr/bin/chromium ] || missing+=(chromium)
dpkg -s fonts-noto-color-emoji >/dev/null 2>&1 || missing+=(fonts-noto-color-emoji)
# The manifest tests render manifests/kubernetes with `kubectl kustomize`; promtool checks the metric names.
command -v kubectl >/dev/null || missing+=(kubernetes-client)
command -v promtool >/dev/null || missing+=(prometheus)
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

scripts/bootstrap-django.sh

if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "bootstrap: starting Redis on 127.0.0.1:6379"
  sudo_if_needed redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.1; done
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
  echo "bootstrap: starting PostgreSQL on 127.0.0.1:5432"
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  sudo_if_needed pg_ctlcluster --skip-systemctl-redirect "$version" main start
  for _ in $(seq 1 100); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 0.1; done
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "bootstrap: npm ci (builds dist/ through the prepare script)"
  npm ci --no-audit --no-fund
else
  echo "bootstrap: building dist/"
  npm run --silent build
fi
