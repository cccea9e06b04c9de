#!/bin/sh
# Installs organizer into ./.venv; `--dev` adds what the tests and benchmarks need.
# On a fresh Debian machine run as root it first installs python3-venv if it is missing.
set -eu
cd "$(dirname "$0")/.."

if ! python3 -c 'import venv, ensurepip' 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv python3-pip >/dev/null
    else
        echo "Error: python3 has no venv module; install python3-venv (apt-get install python3-venv) and run again" >&2
        exit 2
    fi
fi

[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
if [ "${1:-}" = "--dev" ]; then
    .venv/bin/python -m pip install -q --disable-pip-version-check -e ".[dev]"
else
    .venv/bin/python -m pip install -q --disable-pip-version-check -e .
fi
