#!/bin/sh
# Removes from an installed node_modules what this image's platform never loads, then proves the
# server's dependencies still load. Used by docker/Dockerfile and docker/Dockerfile.cuda.
#   prune-node-modules.sh APP_DIR      (the folder holding node_modules)
set -eu
cd "$1"
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

# Source maps and type declarations serve editors and debuggers, not a running server.
find node_modules -type f \( -name '*.map' -o -name '*.d.ts' -o -name '*.d.[cm]ts' \) -delete

node -e "require('@huggingface/transformers'); require('onnxruntime-node'); require('fastify')"
echo "node_modules for $platform: $(du -sm node_modules | cut -f1) MB"
