#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` / `npm run build`).
require('../dist/src/cli/main.js');
