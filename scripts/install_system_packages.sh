#!/usr/bin/env bash
# System packages the tests need, installed with apt-get only when missing (safe to run again).
# - chromium: the browser the review-app tests drive with Playwright (never `playwright install`).
set -euo pipefail

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    $SUDO apt-get update -q
    apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "$@"
}

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing chromium for the browser tests..."
  apt_install chromium
fi

# - postgresql, redis-server: the real databases the scale-out tests start on loopback (tests/scaleout/).
if ! compgen -G "/usr/lib/postgresql/*/bin/pg_ctl" >/dev/null; then
  echo "Installing PostgreSQL for the scale-out tests..."
  apt_install postgresql
fi
if ! command -v redis-server >/dev/null; then
  echo "Installing Redis for the scale-out tests..."
  apt_install redis-server
fi
# - faketime: tests/test_any_hour.py reruns the wall-clock tests at 03:00 and 12:00 London time.
if ! command -v faketime >/dev/null; then
  echo "Installing faketime for the any-hour tests..."
  apt_install faketime
fi
