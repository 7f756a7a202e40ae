// Builds the package's JavaScript and declarations into dist/ (npm run build:lib).
//
// infra names the server's environment variables through a type imported from
// inference/src/config.ts (a zod schema). The package ships none of the server, so each such
// type import is replaced by the type itself, spelled out (a union of the variable names): the
// declarations then need nothing but the Pulumi SDKs.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

const ROOT = path.resolve(__dirname, '..', '..');
const DIST = path.join(ROOT, 'dist');
const SERVER_IMPORT = /^import type \{([^}]+)\} from '((?:\.\.\/)+inference\/[^']+)';$/m;

/** The types `names` of `module`, written out in full. */
function spelledOut(module, names) {
  const program = ts.createProgram([module], { strict: true, skipLibCheck: true });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(
    checker.getSymbolAtLocation(program.getSourceFile(module)),
  );
  const flags = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.InTypeAlias;
  return names.map((name) => {
    const symbol = exports.find((s) => s.name === name);
    if (!symbol) throw new Error(`${module} exports no ${name}`);
    return `type ${name} = ${checker.typeToString(checker.getDeclaredTypeOfSymbol(symbol), undefined, flags)};`;
  });
}

function declarations(folder) {
  return fs
    .readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.d.ts'))
    .map((entry) => path.join(entry.parentPath, entry.name));
}

fs.rmSync(DIST, { recursive: true, force: true });
execFileSync(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.lib.json'], {
  cwd: ROOT,
  stdio: 'inherit',
});
for (const file of declarations(path.join(DIST, 'infra'))) {
  const text = fs.readFileSync(file, 'utf8');
  const match = SERVER_IMPORT.exec(text);
  if (!match) continue;
  const source = path.resolve(ROOT, path.relative(DIST, path.dirname(file)), match[2]) + '.ts';
  const names = match[1]
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  fs.writeFileSync(file, text.replace(match[0], spelledOut(source, names).join('\n')));
}
fs.rmSync(path.join(DIST, 'inference'), { recursive: true, force: true });
const leaks = declarations(path.join(DIST, 'infra')).filter((file) =>
  /from '(\.\.\/)+inference\//.test(fs.readFileSync(file, 'utf8')),
);
if (leaks.length > 0) throw new Error(`declarations still import the server: ${leaks.join(', ')}`);
