// @ts-check
/**
 * jest's node environment runs each test file in its own realm, so a Float32Array made by a native
 * addon (onnxruntime-node's outputs) is not an `instanceof Float32Array` inside the test, and
 * onnxruntime-common rejects it ("A float32 tensor's data must be type of function
 * Float32Array()"). Sharing the host's typed-array constructors makes both sides agree.
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED_GLOBALS = [
  'ArrayBuffer',
  'SharedArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float16Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedTypedArrayEnvironment extends TestEnvironment {
  /** @param {ConstructorParameters<typeof TestEnvironment>} args */
  constructor(...args) {
    super(...args);
    for (const name of SHARED_GLOBALS) {
      if (name in globalThis) this.global[name] = /** @type {any} */ (globalThis)[name];
    }
  }
}

module.exports = SharedTypedArrayEnvironment;
