/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, with the host's typed arrays shared (see the file for why).
  testEnvironment: '<rootDir>/test/helpers/node-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // transformers.js ships ESM for some entry points; let swc compile what jest must load.
  transformIgnorePatterns: ['/node_modules/(?!(@huggingface)/)'],
  testTimeout: 60000,
  // Tests start real servers and models: two workers fit a 2-core, 24 GiB machine.
  maxWorkers: 2,
};
