#!/usr/bin/env bash
# Installs what the container test needs (podman and friends from Debian) and writes the
# configuration it runs with into $CONTAINER_TEST_DIR/conf. Idempotent: installs only what is
# missing and rewrites the config files each time. The system's own containers configuration is
# left alone: test/container/env.sh points podman, buildah and skopeo at these files instead.
#
#   prerequisites.sh [PACKAGE...]    default: all of them
set -euo pipefail
: "${CONTAINER_TEST_DIR:?source test/container/env.sh first}"

packages=("$@")
[ ${#packages[@]} -gt 0 ] || packages=(podman buildah runc skopeo docker-registry debootstrap)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo=sudo
  echo "installing ${missing[*]}"
  mkdir -p "$CONTAINER_TEST_DIR"
  stamp="$CONTAINER_TEST_DIR/apt-updated"
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    $sudo apt-get update -qq && touch "$stamp"
  fi
  # Unsafe I/O: dpkg skips its fsyncs; an interrupted install is simply run again.
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o Dpkg::Options::=--force-unsafe-io "${missing[@]}" >/dev/null
fi

conf="$CONTAINER_TEST_DIR/conf"
mkdir -p "$conf"
# runc and cgroupfs: the build machines have no systemd. Default ulimits stay within the host's
# hard limits, which podman's defaults (nofile 1048576) exceed.
cat >"$conf/containers.conf" <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF

# Only the local registry; every image reference the test uses is fully qualified.
cat >"$conf/registries.conf" <<'CONF'
unqualified-search-registries = []

[[registry]]
location = "127.0.0.1:5000"
insecure = true
CONF

# Debian's docker-registry (distribution 2.8), storing into a throwaway folder per run.
cat >"$conf/registry.yml" <<CONF
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $CONTAINER_TEST_DIR/registry
  delete:
    enabled: true
http:
  addr: 127.0.0.1:5000
CONF
