// Packs the llm-deploy package from this checkout and installs it here, as a user's program
// would install it from a registry: `npm run example:library` at the repository root.
// Then type-checks the program against the packed declarations, and records which sources the
// installed package was built from, so the test can tell a current install from a stale one.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const EXAMPLE = __dirname;
const ROOT = path.resolve(EXAMPLE, '..', '..');
const STAMP = path.join(EXAMPLE, '.installed-source');

/** Every file the package is built from (more is harmless: it only makes a rebuild likelier). */
function sourceFiles() {
  const walk = (dir) =>
    fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
      const relative = path.posix.join(dir, entry.name);
      return entry.isDirectory() ? walk(relative) : [relative];
    });
  return [
    ...walk('infra'),
    'inference/src/config.ts',
    'inference/src/engine/types.ts',
    'package.json',
    'tsconfig.json',
    'tsconfig.lib.json',
  ].sort();
}

function sourceDigest() {
  const hash = createHash('sha256');
  for (const file of sourceFiles())
    hash.update(`${file}\0`).update(fs.readFileSync(path.join(ROOT, file)));
  return hash.digest('hex');
}

function install() {
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const run = (args, cwd) => execFileSync(npm, args, { cwd, stdio: 'inherit' });
  const digest = sourceDigest();
  run(['run', 'build:lib'], ROOT);
  const packed = JSON.parse(
    execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', EXAMPLE], {
      cwd: ROOT,
      encoding: 'utf8',
    }),
  )[0];
  fs.renameSync(path.join(EXAMPLE, packed.filename), path.join(EXAMPLE, 'llm-deploy.tgz'));
  // A fresh node_modules: npm would otherwise keep the previous tarball's files.
  fs.rmSync(path.join(EXAMPLE, 'node_modules', 'llm-deploy'), { recursive: true, force: true });
  // From npm's cache where it can (the root's `npm ci` put the same pinned SDKs there): a fresh
  // copy of this example installs with `npm install --offline`.
  run(['install', '--prefer-offline', '--no-audit', '--no-fund'], EXAMPLE);
  // The program type-checks against the packed declarations, as a Pulumi template's tsconfig
  // resolves them (node10, through typesVersions) and as Node 16+ resolution does (exports).
  const tsc = path.join(EXAMPLE, 'node_modules', '.bin', 'tsc');
  execFileSync(tsc, ['-p', 'tsconfig.json', '--noEmit'], { cwd: EXAMPLE, stdio: 'inherit' });
  execFileSync(
    tsc,
    ['-p', 'tsconfig.json', '--noEmit', '--module', 'node16', '--moduleResolution', 'node16'],
    {
      cwd: EXAMPLE,
      stdio: 'inherit',
    },
  );
  // Written last: only an install that type-checked counts as current.
  fs.writeFileSync(STAMP, `${digest}\n`);
  console.log(
    `installed ${packed.name}@${packed.version}: ${packed.entryCount} files, ${packed.size} bytes packed`,
  );
}

module.exports = { sourceDigest, STAMP, EXAMPLE };
if (require.main === module) install();
