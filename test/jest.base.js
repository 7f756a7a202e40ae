// What every jest config of the project shares: the main one (jest.config.js, per engine) and
// the container checks (test/container/jest.config.js).
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
};
