#!/bin/sh
# Removes from an installed node_modules what this image's platform never loads, then proves the
# server's dependencies still load. Used by docker/Dockerfile and docker/Dockerfile.cuda.
#   prune-node-modules.sh APP_DIR [LLAMA_CPP_GPU]
#     APP_DIR        the folder holding node_modules
#     LLAMA_CPP_GPU  none (default): llama.cpp's CPU build only; cuda: its CUDA builds as well
set -eu
cd "$1"
gpu="${2:-none}"
platform="$(node -p 'process.platform + "/" + process.arch')"

# onnxruntime-node ships its native library for every OS and CPU (~290 MB); keep this one's.
ort=node_modules/onnxruntime-node/bin/napi-v6
for dir in "$ort"/*/*; do
  [ "${dir#"$ort"/}" = "$platform" ] || rm -rf "$dir"
done
[ -d "$ort/$platform" ] || { echo "onnxruntime-node has no binary for $platform" >&2; exit 1; }

# transformers.js's Node build bundles the little onnxruntime-web JavaScript it uses and runs
# models on onnxruntime-node; the browser package's WebAssembly builds (~140 MB) never load.
rm -rf node_modules/onnxruntime-web

# node-llama-cpp installs prebuilt llama.cpp for several platforms and GPUs (~700 MB on x64):
# keep this platform's CPU build and, for cuda, the CUDA builds (the -ext package is its CUDA 12
# fallback; the main one needs CUDA 13). Its llama.cpp sources serve only to compile, which the
# server never does (it loads prebuilt binaries only).
llama_cpu="@node-llama-cpp/$(node -p 'process.platform + "-" + process.arch')"
for dir in node_modules/@node-llama-cpp/*; do
  name="@node-llama-cpp/${dir##*/}"
  case "$gpu:$name" in
    *:"$llama_cpu" | cuda:"$llama_cpu-cuda" | cuda:"$llama_cpu-cuda-ext") ;;
    *) rm -rf "$dir" ;;
  esac
done
[ -d "node_modules/$llama_cpu" ] || { echo "node-llama-cpp has no binary for $platform" >&2; exit 1; }
rm -f node_modules/node-llama-cpp/llama/gitRelease.bundle

# TypeScript (~20 MB) is node-llama-cpp's optional peer, for its type declarations only; as a dev
# dependency of the repository it is "devOptional", which npm ci --omit=dev still installs.
rm -rf node_modules/typescript

# transformers.js's sources, types and browser bundles (~9 MB): Node loads dist/transformers.node.*.
tjs=node_modules/@huggingface/transformers
rm -rf "$tjs/src" "$tjs/types"
find "$tjs/dist" -type f ! -name 'transformers.node.cjs' ! -name 'transformers.node.mjs' -delete

# What serves editors, debuggers and a package's own development, not a running server: source
# maps, TypeScript sources and declarations (Node never strips types under node_modules), docs
# and test suites.
find node_modules -type f \( -name '*.map' -o -name '*.ts' -o -name '*.[cm]ts' -o -name '*.md' \) -delete
find node_modules -type d \( -name test -o -name tests -o -name __tests__ \) -prune -exec rm -rf {} +

node -e "require('@huggingface/transformers'); require('onnxruntime-node'); require('fastify')"
# From a file, not node -e: node-llama-cpp tests its binary in a child forked with this
# process's execArgv, which would rerun the -e code there instead, and the test fails.
check=.llama-cpp-check.mjs
printf '%s\n' "import { getLlama } from 'node-llama-cpp';" \
  "await (await getLlama({ gpu: false, build: 'never', skipDownload: true })).dispose();" >"$check"
node "$check"
rm -f "$check"
echo "node_modules for $platform: $(du -sm node_modules | cut -f1) MB"
