# Sourced by the container test's scripts: where its files live and which configuration podman,
# buildah and skopeo read (ours, not the system's).
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
export CONTAINER_TEST_DIR="${CONTAINER_TEST_DIR:-$repo_root/artifacts/container}"
export CONTAINERS_CONF="$CONTAINER_TEST_DIR/conf/containers.conf"
export CONTAINERS_REGISTRIES_CONF="$CONTAINER_TEST_DIR/conf/registries.conf"
# Builds run in a chroot: nested user namespaces and cgroups are not available on build machines.
export BUILDAH_ISOLATION=chroot
