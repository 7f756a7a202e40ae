#!/usr/bin/env node
// llama.cpp decodes on Node's thread pool. With more than one pool thread, node-llama-cpp samples
// some sequences beside the next batch and splits it: one thread decoded 8 parallel sequences
// 1.5x faster (bench, 2 cores), and nothing else of the server needs more (ONNX Runtime runs on the
// main thread). Set before anything starts the pool; an explicit UV_THREADPOOL_SIZE wins.
process.env.UV_THREADPOOL_SIZE ??= '1';
// The compiled CLI lives in dist/ (built by `npm install` / `npm run build`).
require('../dist/src/cli/main.js');
