#!/usr/bin/env bash
# Real PostgreSQL and Redis on loopback in a temporary folder, for tests (see tests/local_services.py).
#   scripts/start_test_services.sh run -- .venv/bin/python -m pytest tests/scaleout   # start, run, tear down
#   scripts/start_test_services.sh start --dir /tmp/bw-services   # idempotent; prints export lines
#   scripts/start_test_services.sh stop --dir /tmp/bw-services
set -euo pipefail
cd "$(dirname "$0")/.."
PY="${PYTHON:-.venv/bin/python}"
exec "$PY" -m tests.local_services "$@"
