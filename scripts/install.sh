#!/usr/bin/env bash
# Install drukflow into .venv with the exact versions of uv.lock, never into the system
# Python. Extra arguments name optional extras (e.g. `test`, `postgres`).
#
#   bash scripts/install.sh          # the app
#   bash scripts/install.sh test     # the app, the test tools, the PostgreSQL driver and the
#                                    # bench's peers (SpiffWorkflow, django-viewflow)
#   bash scripts/install.sh bench    # the app and the bench's peers (python -m bench --peers)
#
# uv (itself pinned below) lives in .tools/. `--locked` refuses to install when uv.lock no
# longer matches pyproject.toml, so a stale lock fails CI instead of installing something
# nobody chose. To upgrade: `.tools/bin/uv lock --upgrade` (or `--upgrade-package NAME`),
# run the suite, and commit uv.lock. Safe to re-run.
set -euo pipefail

cd "$(dirname "$0")/.."
UV_VERSION=0.13.9

if ! .tools/bin/uv --version 2>/dev/null | grep -qF " $UV_VERSION"; then
    python3 -m venv .tools
    .tools/bin/python -m pip install --quiet "uv==$UV_VERSION"
fi
# The machine's Python (3.11+), never one downloaded by uv.
export UV_PYTHON_DOWNLOADS=never
extras=()
for extra in "$@"; do
    extras+=(--extra "$extra")
done
.tools/bin/uv sync --locked --python python3 "${extras[@]}"
