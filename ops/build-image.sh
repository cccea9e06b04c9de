#!/bin/sh
# Build the organizer image with no network inside the build.
#
#   sh ops/build-image.sh                 # -> organizer:local
#   ORGANIZER_IMAGE=organizer:abc123 sh ops/build-image.sh
#
# The project and its dependencies are built as wheels on the host into
# deploy/.wheels/ (git-ignored), then deploy/Dockerfile installs them with
# --no-index. BASE_IMAGE defaults to local/python-base:bookworm when
# ops/install-docker.sh made it, else the official python:3.11-slim.
set -eu
cd "$(dirname "$0")/.."

IMAGE=${ORGANIZER_IMAGE:-organizer:local}
PYTHON=${PYTHON:-python3}
WHEELS=deploy/.wheels
if [ -z "${BASE_IMAGE:-}" ]; then
    if docker image inspect local/python-base:bookworm >/dev/null 2>&1; then
        BASE_IMAGE=local/python-base:bookworm
    else
        BASE_IMAGE=python:3.11-slim
    fi
fi

mkdir -p "$WHEELS"
rm -f "$WHEELS"/organizer-*.whl
echo "build-image: wheels -> $WHEELS"
"$PYTHON" -m pip wheel -q --disable-pip-version-check . -w "$WHEELS" 2>&1 |
    grep -v "is ignored: it is neither a file nor a directory" >&2 || true
ls "$WHEELS"/organizer-*.whl >/dev/null 2>&1 || { echo "build-image: no organizer wheel built" >&2; exit 1; }

echo "build-image: $IMAGE on $BASE_IMAGE"
# The legacy builder is what a Debian engine without buildx has; it needs no network.
DOCKER_BUILDKIT=0 docker build -q -f deploy/Dockerfile \
    --build-arg BASE_IMAGE="$BASE_IMAGE" \
    --label org.opencontainers.image.revision="$(git rev-parse HEAD 2>/dev/null || echo unknown)" \
    -t "$IMAGE" deploy >/dev/null
docker image ls "$IMAGE" --format 'build-image: {{.Repository}}:{{.Tag}} {{.Size}}'
