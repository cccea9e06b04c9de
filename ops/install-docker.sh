#!/bin/sh
# Make a Docker engine, the Compose v2 plugin and a Python base image available
# on a Debian machine, as root, from Debian's packages only.
#
#   sh ops/install-docker.sh            # idempotent; about a second when all is there
#
# 1. dockerd missing        -> apt-get install docker.io (bookworm: engine 20.10)
# 2. `docker compose` not v2 -> the static plugin from trixie's docker-compose
#                              package, fetched through a throwaway apt config so
#                              the system's own lists and caches stay untouched
# 3. dockerd not answering  -> start it in the background, log to $DOCKERD_LOG
# 4. no Python base image   -> try the official slim image; where no registry is
#                              reachable, debootstrap one and `docker import` it
#
# Env: BASE_IMAGE (local/python-base:bookworm), OFFICIAL_IMAGE (python:3.11-slim),
#      DOCKERD_LOG (/var/log/dockerd.log), DEBIAN_MIRROR (from debian.sources).
# The last line printed is the base image to build on: BASE_IMAGE=<name>.
set -eu

BASE_IMAGE=${BASE_IMAGE:-local/python-base:bookworm}
OFFICIAL_IMAGE=${OFFICIAL_IMAGE:-python:3.11-slim}
DOCKERD_LOG=${DOCKERD_LOG:-/var/log/dockerd.log}
PLUGIN_DIR=/usr/libexec/docker/cli-plugins
SOURCES=/etc/apt/sources.list.d/debian.sources

say() { echo "install-docker: $*"; }
die() { echo "install-docker: error: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root"
[ -r /etc/debian_version ] || die "this script needs Debian (apt, dpkg, debootstrap)"
export DEBIAN_FRONTEND=noninteractive

APT_UPDATED=
apt_install() {
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

mirror() {
    # The machine's own Debian mirror: first URIs of the entry carrying suite bookworm/trixie.
    if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
    if [ -r "$SOURCES" ]; then
        awk '/^URIs:/ {u=$2} /^Suites:/ && u !~ /security/ {print u; exit}' "$SOURCES"
    fi | grep . || echo http://deb.debian.org/debian
}

# --- 1. the engine -----------------------------------------------------------
if ! command -v dockerd >/dev/null 2>&1; then
    say "installing docker.io from Debian"
    apt_install docker.io iptables ca-certificates
fi

# --- 2. Compose v2 ------------------------------------------------------------
compose_is_v2() {
    docker compose version --short 2>/dev/null | grep -q '^v\?2\.'
}
if ! compose_is_v2; then
    say "installing the Compose v2 plugin from trixie's docker-compose package"
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    mkdir -p "$tmp/lists/partial" "$tmp/cache/archives/partial" "$tmp/parts" "$tmp/pkg"
    echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $(mirror) trixie main" \
        >"$tmp/trixie.list"
    set -- -o Dir::Etc::SourceList="$tmp/trixie.list" -o Dir::Etc::SourceParts="$tmp/parts" \
        -o Dir::State::Lists="$tmp/lists" -o Dir::Cache="$tmp/cache" \
        -o APT::Sandbox::User=root -q
    apt-get "$@" update >/dev/null
    (cd "$tmp/pkg" && apt-get "$@" download docker-compose >/dev/null)
    dpkg -x "$tmp"/pkg/docker-compose_*.deb "$tmp/root"
    install -D -m 0755 "$tmp/root/usr/libexec/docker/cli-plugins/docker-compose" \
        "$PLUGIN_DIR/docker-compose"
    rm -rf "$tmp"
    trap - EXIT
fi

# --- 3. the daemon ------------------------------------------------------------
if ! docker info >/dev/null 2>&1; then
    say "starting dockerd (log: $DOCKERD_LOG)"
    mkdir -p "$(dirname "$DOCKERD_LOG")"
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
    i=0
    until docker info >/dev/null 2>&1; do
        i=$((i + 1))
        [ "$i" -le 60 ] || die "dockerd did not answer within 30 s; see $DOCKERD_LOG"
        sleep 0.5
    done
fi
compose_is_v2 || die "docker compose is not v2: $(docker compose version 2>&1 | head -1)"

# --- 4. a Python base image ---------------------------------------------------
have_image() { docker image inspect "$1" >/dev/null 2>&1; }
if have_image "$BASE_IMAGE"; then
    :
elif have_image "$OFFICIAL_IMAGE" || timeout 20 docker pull -q "$OFFICIAL_IMAGE" >/dev/null 2>&1; then
    BASE_IMAGE=$OFFICIAL_IMAGE
else
    say "no registry reachable: building $BASE_IMAGE with debootstrap"
    command -v debootstrap >/dev/null 2>&1 || apt_install debootstrap
    rootfs=$(mktemp -d)
    trap 'rm -rf "$rootfs"' EXIT
    debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
        bookworm "$rootfs" "$(mirror)" >"$rootfs.log" 2>&1 ||
        die "debootstrap failed; see $rootfs.log"
    # What a container never needs: package caches and lists, docs, man pages, locales.
    rm -rf "$rootfs"/var/cache/apt/* "$rootfs"/var/lib/apt/lists/* \
        "$rootfs"/usr/share/doc/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
        "$rootfs"/usr/share/locale/* "$rootfs"/var/log/* "$rootfs"/tmp/* "$rootfs.log"
    tar -C "$rootfs" -c . | docker import \
        -c 'ENV LANG=C.UTF-8' -c 'CMD ["python3"]' - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs"
    trap - EXIT
fi
docker run --rm "$BASE_IMAGE" python3 -c 'import venv, ssl' ||
    die "$BASE_IMAGE has no working python3 with venv and ssl"
say "ready: $(docker version -f 'engine {{.Server.Version}} (API {{.Server.APIVersion}})'), compose $(docker compose version --short)"
echo "BASE_IMAGE=$BASE_IMAGE"
