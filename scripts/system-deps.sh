#!/usr/bin/env bash
# Debian packages drukflow needs at run time: pango for WeasyPrint's PDFs (letters, orders,
# reports) with harfbuzz's font subsetter, and fonts. Installed only when missing; safe to re-run.
set -euo pipefail

missing=()
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
# Without harfbuzz's subsetter WeasyPrint falls back with a DeprecationWarning (an error here).
ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
if [ "$#" -gt 0 ]; then
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
fi
if [ "${#missing[@]}" -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y "${missing[@]}"
fi
