#!/usr/bin/env bash
# Builds the image (shared/tools/container-smoke: local stand-in base images, rootful podman, plus its
# own probe of /healthz and a restart) and runs the project's container tests against it.
# Skips, saying why, where rootful podman can't run. Prints the image size and how long each part took.
#   env: HEARTH_SHARED (default ../shared beside the checkout)  IMG (localhost/hearth:smoke)
set -euo pipefail
cd "$(dirname "$0")/.."

shared=${HEARTH_SHARED:-../shared}
smoke=$shared/tools/container-smoke
skip() { echo "container test: SKIPPED — $*"; exit 0; }
[ "$(id -u)" = 0 ] || skip "rootful podman needs root (this is uid $(id -u)); run .ci/container.sh as root"
[ -f "$smoke" ] || skip "$smoke is missing (it builds the stand-in base images; set HEARTH_SHARED to the folder holding tools/)"
command -v podman >/dev/null 2>&1 || command -v apt-get >/dev/null 2>&1 || skip "no podman and no apt-get to install it"

export IMG=${IMG:-localhost/hearth:smoke}
# The docker image format keeps HEALTHCHECK (the OCI format drops it, and the test runs it).
export BUILDAH_FORMAT=docker

t0=$(date +%s)
# container-smoke prunes dangling images, and with them the cache of the build and rootfs stages:
# tagging both keeps them, so a warm run rebuilds only what changed. (Cold, container-smoke makes
# the base images first, so this waits for the next run.)
if command -v podman >/dev/null 2>&1 && podman image exists localhost/oven/bun:1.4.5 && podman image exists localhost/debian:bookworm-slim; then
  for stage in build rootfs; do podman build -q --pull=never --target "$stage" -t "localhost/hearth-cache:$stage" . >/dev/null; done
fi
bash "$smoke"
t1=$(date +%s)
HEARTH_CONTAINER_IMAGE=$IMG bun test --timeout 60000 test/container/
t2=$(date +%s)
size=$(podman image inspect "$IMG" --format '{{.Size}}')
echo "container: image $IMG is $((size / 1000000)) MB; build + smoke $((t1 - t0)) s, container tests $((t2 - t1)) s"
