#!/usr/bin/env bash
# Install drukflow, load the demo data (once) and serve it on SQLite at http://127.0.0.1:8000.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
python -m pip install -e .
drukflow demo
exec drukflow serve "$@"
