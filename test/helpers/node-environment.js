// jest runs each test file in a vm context with its own typed-array constructors; ONNX Runtime's
// native outputs are made in the main realm, so `instanceof Float32Array` checks in
// onnxruntime-common fail. Share the main realm's constructors with the test context.
// An engine project (jest.config.js) names its engine in testEnvironmentOptions; the tests read
// it as TEST_ENGINE (test/helpers/engines.ts).
const { TestEnvironment } = require('jest-environment-node');

const SHARED = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int8Array',
  'Uint16Array',
  'Int16Array',
  'Uint32Array',
  'Int32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
  'Buffer',
];

class SharedTypedArrayEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED) if (globalThis[name]) this.global[name] = globalThis[name];
    if (globalThis.Float16Array) this.global.Float16Array = globalThis.Float16Array;
    const engine = config.projectConfig.testEnvironmentOptions?.engine;
    if (engine) this.global.process.env.TEST_ENGINE = engine;
  }
}

module.exports = SharedTypedArrayEnvironment;
