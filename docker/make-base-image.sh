#!/usr/bin/env bash
# Makes a stand-in for docker.io/library/node:<version>-bookworm-slim without Docker Hub, for build
# machines and air-gapped sites whose only sources are an apt mirror and an npm registry: the root
# filesystem from docker/make-base-rootfs.sh (Debian minbase + Node + npm), imported into podman.
#
#   docker/make-base-image.sh [IMAGE]    default IMAGE: localhost/llm-deploy-base:node24-bookworm
#
# Build docker/Dockerfile on it with --build-arg BASE_IMAGE=IMAGE. Skips all work when IMAGE is
# already in local storage (REBUILD=1 makes it again). BASE_ROOTFS=file.tar imports a root
# filesystem made beforehand instead of making one. Needs root, debootstrap and podman.
set -euo pipefail

image="${1:-localhost/llm-deploy-base:node24-bookworm}"

if [ "${REBUILD:-0}" != 1 ] && podman image exists "$image"; then
  echo "base image $image: already in local storage"
  exit 0
fi

rootfs="${BASE_ROOTFS:-}"
if [ -z "$rootfs" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
  rootfs="$work/rootfs.tar"
  "$(dirname "$0")/make-base-rootfs.sh" "$rootfs"
fi

changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change 'CMD ["node"]')
if tar -tf "$rootfs" ./etc/ssl/certs/ca-certificates.crt >/dev/null 2>&1; then
  changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi
podman import --quiet "${changes[@]}" --message "llm-deploy stand-in base (docker/make-base-rootfs.sh)" \
  "$rootfs" "$image" >/dev/null
echo "base image $image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
