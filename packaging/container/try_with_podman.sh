#!/bin/sh
# Builds and runs the container image with podman on a machine without Docker
# Hub or a docker daemon (how it was tested; see README: The container):
# debian:bookworm-slim is made with debootstrap from the Debian mirror and
# imported under that name, then the Dockerfile is built (docker format, for
# HEALTHCHECK) and run with host networking on port 3931. Needs root, podman,
# runc and debootstrap (apt-get install podman runc debootstrap), and the
# .deb in build/ ((cd build && cpack -G DEB)). The settings below get podman
# past a sandbox that forbids raising rlimits and has hybrid cgroups.
set -eu
cd "$(dirname "$0")/../.."
work=$(mktemp -d)
trap 'podman $options rm -f scanhook-try >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
printf '[containers]\ndefault_ulimits = []\n' >"$work/containers.conf"
export CONTAINERS_CONF="$work/containers.conf"
options="--storage-driver=vfs --runtime runc"

if ! podman $options image exists docker.io/library/debian:bookworm-slim; then
  debootstrap --variant=minbase bookworm "$work/rootfs" http://deb.debian.org/debian >"$work/debootstrap.log"
  tar -C "$work/rootfs" -c . | podman $options import - docker.io/library/debian:bookworm-slim
fi
podman $options build --format docker --network=host -f packaging/container/Dockerfile -t scanhook .

mkdir -p "$work/config" "$work/data"
run="podman $options run --network=host -v $work/config:/config -v $work/data:/data -e PUID=1234 -e PGID=1234 -e SCANHOOK__SERVER__LISTEN=0.0.0.0:3931"
if $run --rm localhost/scanhook; then
  echo "FAILED: started on 0.0.0.0 without credentials"; exit 1
fi
$run -d --name scanhook-try -e SCANHOOK__SERVER__USERNAME=admin -e SCANHOOK__SERVER__PASSWORD=s3cret localhost/scanhook
for _ in $(seq 1 50); do curl -fsS http://127.0.0.1:3931/health >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS http://127.0.0.1:3931/health | grep -q '"status":"ok"' || { echo "FAILED: /health"; exit 1; }
podman $options healthcheck run scanhook-try 2>/dev/null || { echo "FAILED: HEALTHCHECK"; exit 1; }
[ "$(stat -c %u:%g "$work/data/scanhook.db")" = 1234:1234 ] || { echo "FAILED: /data owner"; exit 1; }
podman $options top scanhook-try user group args | grep -q "^1234 *1234 */usr/bin/scanhookd" ||
  { echo "FAILED: not running as PUID:PGID"; exit 1; }
echo "container: built, refused without credentials, /health and HEALTHCHECK ok as 1234:1234"
