#!/usr/bin/env bash
# Install drukflow into .venv (from uv.lock), load the demo data (once) and serve it on
# SQLite at http://127.0.0.1:8000. Extra arguments go to `drukflow serve`.
set -euo pipefail

cd "$(dirname "$0")/.."
bash scripts/system-deps.sh
bash scripts/install.sh
.venv/bin/drukflow demo
exec .venv/bin/drukflow serve "$@"
