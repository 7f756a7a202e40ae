import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

/**
 * What `npm ci` runs and prints: every dependency that has an install script has a decision in
 * package.json's allowScripts (npm 11.19 runs undecided ones with a warning, and will block them),
 * and npm prints no warning about this project's own config.
 */
const ROOT = resolve(__dirname, '..', '..');
const run = promisify(execFile);

interface LockEntry {
  hasInstallScript?: boolean;
  optional?: boolean;
}

test('every dependency with an install script has an allowScripts decision', () => {
  const lock = JSON.parse(readFileSync(resolve(ROOT, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, LockEntry>;
  };
  const manifest = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
    allowScripts?: Record<string, boolean>;
  };
  const decided = new Set(
    Object.keys(manifest.allowScripts ?? {}).map((k) => k.replace(/(.)@.*$/, '$1')),
  );
  const withScripts = Object.entries(lock.packages)
    .filter(([path, entry]) => entry.hasInstallScript && path.includes('node_modules/'))
    .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
  expect(withScripts.length).toBeGreaterThan(0);
  expect([...new Set(withScripts)].filter((name) => !decided.has(name))).toEqual([]);
  // The ones the project needs run; the one that downloads from outside the npm registry does not.
  expect(manifest.allowScripts).toMatchObject({ node: true, 'onnxruntime-node': false });
});

test('npm prints no warning about the project config', async () => {
  for (const args of [
    ['config', 'get', 'fund'],
    ['install-scripts', 'ls'],
  ]) {
    const { stdout, stderr } = await run('npm', args, { cwd: ROOT });
    expect(stderr).not.toMatch(/npm warn/i);
    if (args[0] === 'install-scripts')
      expect(stdout).toMatch(/No packages with unreviewed install scripts/);
  }
});
