/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/test/helpers/node-environment.js',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }],
  },
  // transformers.js, json-schema-ref-parser, eventsource-parser, content-disposition
  // (@fastify/static) and cookie (Fastify's inject) ship ESM; let swc compile what jest must load.
  transformIgnorePatterns: [
    '/node_modules/(?!(@huggingface|@apidevtools|eventsource-parser|content-disposition|cookie)/)',
  ],
  testTimeout: 60000,
  // Tests start real servers and models: two workers fit a 2-core, 24 GiB machine.
  maxWorkers: 2,
};
