#!/usr/bin/env bash
# The whole test suite: lint, then pytest (SQLite, and PostgreSQL when TRACKER_TEST_DATABASE_URL is set).
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# The overview page's browser test drives Debian's Chromium; install it when we can (as root).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser test"
  DEBIAN_FRONTEND=noninteractive apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
.venv/bin/ruff check .
.venv/bin/ruff format --check .
# Known vulnerabilities of what is installed, from PyPI (pip-audit's services are out of reach here;
# see the script's docstring). SKIP_ADVISORIES=1 skips it on a machine without PyPI.
if [ -z "${SKIP_ADVISORIES:-}" ]; then
  .venv/bin/python scripts/advisories.py --skip directive-tracker
fi
if [ -n "${TRACKER_TEST_DATABASE_URL:-}" ]; then
  echo "Testing on SQLite and on PostgreSQL ($TRACKER_TEST_DATABASE_URL)"
else
  echo "Testing on SQLite (set TRACKER_TEST_DATABASE_URL to test on PostgreSQL too)"
fi
exec .venv/bin/python -m pytest "$@"
