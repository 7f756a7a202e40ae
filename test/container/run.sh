#!/usr/bin/env bash
# npm run test:container: the container images for real, with podman from Debian. Installs what it
# needs, makes the stand-in base image (cached in local storage), builds docker/Dockerfile
# unchanged but for BASE_IMAGE, prints its size, then runs the checks in test/container/ (the
# running server, a baked model built with a token, push and pull by digest) and the Dockerfile
# lint (test/docker/). Needs root; run `npm ci` first (it builds the tiny test model).
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/container/env.sh
export LLM_DEPLOY_TEST_BASE_IMAGE="${LLM_DEPLOY_TEST_BASE_IMAGE:-localhost/llm-deploy-base:node24-bookworm}"
export LLM_DEPLOY_TEST_IMAGE=localhost/llm-deploy-test:cpu
started=$SECONDS
step() { echo "== $* ($((SECONDS - started)) s)"; }

[ -f inference/models/tiny/onnx/model.onnx ] || {
  echo "inference/models/tiny is missing: run npm ci first (it builds the tiny test model)" >&2
  exit 1
}
[ "$(id -u)" -eq 0 ] || echo "warning: not root; rootless podman needs subuid/subgid ranges" >&2

# debootstrap first: the base image's root filesystem is made while podman and the rest install.
step "prerequisites and base image"
bash test/container/prerequisites.sh debootstrap
base_rootfs=""
if ! { command -v podman >/dev/null && podman image exists "$LLM_DEPLOY_TEST_BASE_IMAGE"; }; then
  base_rootfs="$CONTAINER_TEST_DIR/base-rootfs.tar"
  docker/make-base-rootfs.sh "$base_rootfs" >"$CONTAINER_TEST_DIR/base-rootfs.log" 2>&1 &
  rootfs_job=$!
fi
bash test/container/prerequisites.sh
if [ -n "$base_rootfs" ]; then
  wait "$rootfs_job" || { cat "$CONTAINER_TEST_DIR/base-rootfs.log"; exit 1; }
  cat "$CONTAINER_TEST_DIR/base-rootfs.log"
fi
BASE_ROOTFS="$base_rootfs" docker/make-base-image.sh "$LLM_DEPLOY_TEST_BASE_IMAGE"
rm -f "$base_rootfs"

build=(podman build --format docker --network host --jobs 2 --build-arg "BASE_IMAGE=$LLM_DEPLOY_TEST_BASE_IMAGE")
step "build docker/Dockerfile"
"${build[@]}" -f docker/Dockerfile -t "$LLM_DEPLOY_TEST_IMAGE" . >"$CONTAINER_TEST_DIR/build.log" 2>&1 || {
  tail -n 60 "$CONTAINER_TEST_DIR/build.log"
  exit 1
}
grep -E '^node_modules for' "$CONTAINER_TEST_DIR/build.log" || true
size=$(podman image inspect --format '{{.Size}}' "$LLM_DEPLOY_TEST_IMAGE")
budget_mb=350
echo "CPU image size without a model: $((size / 1000000)) MB ($size bytes; budget $budget_mb MB)"
[ "$size" -le $((budget_mb * 1000000)) ] || {
  echo "the CPU image is over its $budget_mb MB budget: see what docker/prune-node-modules.sh keeps" >&2
  exit 1
}

# The CUDA image's GPU runtime needs NVIDIA's base image, NuGet and a GPU, none of which is here;
# its shared stages must at least build, and do so from the CPU build's cache.
step "build docker/Dockerfile.cuda --target model (the stages it shares)"
podman build --format docker --network host --build-arg "NODE_IMAGE=$LLM_DEPLOY_TEST_BASE_IMAGE" \
  -f docker/Dockerfile.cuda --target model -t localhost/llm-deploy-test:cuda-shared . \
  >"$CONTAINER_TEST_DIR/build-cuda.log" 2>&1 || {
  tail -n 40 "$CONTAINER_TEST_DIR/build-cuda.log"
  exit 1
}

step "checks"
npx jest --config test/container/jest.config.js
step "container test passed"
