const base = require('./test/jest.base.js');

/**
 * The server's API suites, which every engine must pass: the default project runs them on the
 * ONNX engine with everything else; each `engineProject` runs them again on its engine.
 */
const ENGINE_SUITES = [
  'inference/api/openai/openai-sdk',
  'inference/api/replicate/replicate',
  'inference/api/cog/cog',
  'inference/api/metrics/metrics',
  'inference/safety/server',
  'inference/http/auth',
  'inference/http/limits',
  'inference/http/shutdown',
].map((suite) => `<rootDir>/test/${suite}.test.ts`);

/** Engines besides ONNX that ENGINE_SUITES run on (names as in test/helpers/engines.ts). */
const OTHER_ENGINES = ['upstream', 'llamacpp', 'upstream-llamacpp'];

/** A jest project that runs ENGINE_SUITES with TEST_ENGINE=engine. */
function engineProject(engine) {
  return {
    ...base,
    displayName: engine,
    testMatch: ENGINE_SUITES,
    testEnvironmentOptions: { engine },
  };
}

module.exports = {
  projects: [{ ...base, displayName: 'onnx' }, ...OTHER_ENGINES.map(engineProject)],
  // jest-circus reads the timeout from the global config only: in a project it is ignored.
  testTimeout: base.testTimeout,
  // Tests start real servers and models: two workers fit a 2-core, 24 GiB machine.
  maxWorkers: 2,
};
