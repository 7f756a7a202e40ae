/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/helpers/node-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // transformers.js, json-schema-ref-parser and eventsource-parser ship ESM; let swc compile what
  // jest must load.
  transformIgnorePatterns: ['/node_modules/(?!(@huggingface|@apidevtools|eventsource-parser)/)'],
  testTimeout: 60000,
  // Tests start real servers and models: two workers fit a 2-core, 24 GiB machine.
  maxWorkers: 2,
};
