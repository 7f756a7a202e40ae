/**
 * A real dynamic import(). node-llama-cpp is an ES module with top-level await, which require()
 * cannot load, and tsc's CommonJS output turns `import()` into require(); a function built at run
 * time keeps the import as written. (The tests map this module to one that imports natively from
 * jest's host, see test/jest.base.js.)
 */
export const importEsm = new Function('specifier', 'return import(specifier)') as <T>(
  specifier: string,
) => Promise<T>;
