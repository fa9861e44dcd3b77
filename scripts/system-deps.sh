#!/usr/bin/env bash
# Debian packages drukflow needs at run time: pango for WeasyPrint's PDFs (letters, orders,
# reports) with harfbuzz's font subsetter, and fonts. Extra arguments name more packages
# (the tests add chromium; scripts/postgres.sh adds postgresql). Installed only when
# missing; safe to re-run.
#
# When another install holds the package manager's lock (an unattended upgrade, a second
# run), this waits for it up to DRUKFLOW_APT_WAIT_S seconds (default 300) instead of failing.
set -euo pipefail

WAIT_S="${DRUKFLOW_APT_WAIT_S:-300}"
say() { echo "system-deps.sh: $*" >&2; }

missing=()
ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
# Without harfbuzz's subsetter WeasyPrint falls back with a DeprecationWarning (an error here).
ldconfig -p | grep -q 'libharfbuzz-subset.so.0' || missing+=(libharfbuzz-subset0)
fc-list 2>/dev/null | grep -qi dejavu || missing+=(fonts-dejavu-core)
for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
[ "${#missing[@]}" -eq 0 ] && exit 0

export DEBIAN_FRONTEND=noninteractive
# dpkg's frontend lock: apt itself waits for it this long.
apt_opts=(-o "DPkg::Lock::Timeout=$WAIT_S")

# `apt-get update` takes the lists lock, which DPkg::Lock::Timeout does not cover: retry
# while another apt holds it, and fail at once on any other error.
deadline=$((SECONDS + WAIT_S))
until out=$(apt-get "${apt_opts[@]}" update 2>&1); do
    if ! grep -qiE 'could not get lock|unable to lock|is another process using it' <<<"$out"; then
        echo "$out" >&2
        exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
        say "the package manager stayed locked for ${WAIT_S}s"
        echo "$out" >&2
        exit 1
    fi
    say "waiting for another package install to finish"
    sleep 5
done
apt-get "${apt_opts[@]}" install -y "${missing[@]}" >&2
