// The container checks (npm run test:container, after test/container/run.sh has built the image)
// and the Dockerfile lint, two files at a time (podman's storage locks keep them apart).
const { join } = require('node:path');
const base = require('../jest.base.js');

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  rootDir: join(__dirname, '..', '..'),
  roots: ['<rootDir>/test/container', '<rootDir>/test/docker'],
  testMatch: ['**/*.container.ts', '**/test/docker/**/*.test.ts'],
  testTimeout: 600000,
  maxWorkers: 2,
};
