// Stands in for inference/src/engine/llamacpp/esm-import.ts under jest (see test/jest.base.js):
// a dynamic import by the host realm's native loader, which test/helpers/node-environment.js
// hands to the test context.
exports.importEsm = (specifier) => globalThis.__hostImport(specifier);
