/**
 * The build-model CLI as postinstall and users run it: the compiled script in a child process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'inference', 'dist', 'tools', 'build-model.js');
// Narrow, so each build takes about a second; the vocabulary is GPT-2's whatever the shape.
const SMALL = ['--n-embd', '8', '--n-layer', '1', '--n-head', '2', '--n-positions', '16'];

let root: string;

beforeAll(() => {
  assertCompiledCliIsCurrent();
  root = mkdtempSync(join(tmpdir(), 'build-model-cli-'));
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function buildModel(args: string[]): { status: number | null; stderr: string } {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 30000 });
  return { status: result.status, stderr: result.stderr };
}

/** The CLI under test is the compiled one; a stale build would test yesterday's code. */
function assertCompiledCliIsCurrent(): void {
  const compiled = statSync(CLI).mtimeMs;
  for (const file of filesUnder(join(REPO, 'inference', 'tools'))) {
    if (file.endsWith('.ts') && statSync(file).mtimeMs > compiled)
      throw new Error(
        `${relative(REPO, file)} is newer than ${relative(REPO, CLI)}: run npm run build`,
      );
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** Path (relative to `dir`) to sha256 of every file in it. */
function fingerprint(dir: string): Record<string, string> {
  return Object.fromEntries(
    filesUnder(dir).map((file) => [
      relative(dir, file),
      createHash('sha256').update(readFileSync(file)).digest('hex'),
    ]),
  );
}

test.each([
  {
    problem: 'a width the heads do not divide',
    args: ['--n-embd', '10', '--n-head', '3', '--out', 'OUT'],
    message: '--n-embd (10) must be divisible by --n-head (3)',
  },
  {
    problem: 'an unknown preset',
    args: ['--preset', 'gpt5', '--out', 'OUT'],
    message: 'unknown --preset "gpt5"; choose one of tiny, gpt2-small',
  },
  { problem: 'no --out', args: ['--preset', 'tiny'], message: '--out is required' },
  {
    problem: 'a non-integer size',
    args: ['--n-layer', 'two', '--out', 'OUT'],
    message: '--n-layer (two) must be an integer',
  },
  {
    problem: 'a zero size',
    args: ['--n-positions', '0', '--out', 'OUT'],
    message: '--n-positions (0) must be a positive integer',
  },
  { problem: 'an unknown flag', args: ['--layers', '3', '--out', 'OUT'], message: "'--layers'" },
])('$problem: one clear line, exit 2, nothing written', ({ args, message }) => {
  const out = join(root, `rejected-${Math.random().toString(36).slice(2)}`);
  const { status, stderr } = buildModel(args.map((arg) => (arg === 'OUT' ? out : arg)));
  expect(status).toBe(2);
  const [first, ...rest] = stderr.trimEnd().split('\n');
  expect(first).toMatch(/^build-model: /);
  expect(first).toContain(message);
  // The usage line follows the error, and nothing else does (no stack trace).
  expect(rest).toHaveLength(1);
  expect(rest[0]).toMatch(/^usage: build-model --out DIR/);
  expect(existsSync(out)).toBe(false);
});

test('--if-missing leaves an existing model untouched; without it the model is rebuilt', () => {
  const out = join(root, 'model');
  const first = buildModel([...SMALL, '--seed', '1', '--out', out]);
  expect(first.status).toBe(0);
  const built = fingerprint(out);
  expect(Object.keys(built).sort()).toEqual([
    'config.json',
    'generation_config.json',
    'onnx/model.onnx',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);

  const skipped = buildModel([...SMALL, '--seed', '2', '--if-missing', '--out', out]);
  expect(skipped.status).toBe(0);
  expect(skipped.stderr).toContain('already holds a model; leaving it');
  expect(fingerprint(out)).toEqual(built);

  const rebuilt = buildModel([...SMALL, '--seed', '2', '--out', out]);
  expect(rebuilt.status).toBe(0);
  expect(fingerprint(out)['onnx/model.onnx']).not.toEqual(built['onnx/model.onnx']);
  expect(readdirSync(root).filter((name) => name.includes('.partial-'))).toEqual([]);
});
