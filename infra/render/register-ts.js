// Lets plain `node` run the render CLI's TypeScript (no Pulumi CLI, no build step): each .ts file
// is compiled in memory by swc, the same compiler the tests use.
const fs = require('fs');
const swc = require('@swc/core');

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  const { code } = swc.transformSync(fs.readFileSync(filename, 'utf8'), {
    filename,
    jsc: { parser: { syntax: 'typescript' }, target: 'es2023' },
    module: { type: 'commonjs' },
  });
  module._compile(code, filename);
};
