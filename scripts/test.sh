#!/usr/bin/env bash
# Install what the test suite needs, lint, and run pytest (extra arguments go to pytest).
# Used by CI (.ci/run) and by developers; safe to re-run.
set -euo pipefail

cd "$(dirname "$0")/.."

# Real-browser tests drive Debian's chromium (never a Playwright-downloaded browser); PDFs
# need pango (scripts/system-deps.sh).
bash scripts/system-deps.sh chromium

python -m pip install -e '.[test]'
python -m ruff check .
python -m pytest "$@"
