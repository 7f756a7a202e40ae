/**
 * The build-model CLI as postinstall and users run it: the compiled script in a child process.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import {
  assertCompiledCliIsCurrent,
  BUILD_MODEL_CLI,
  filesUnder,
} from '../../helpers/compiled-cli';

const CLI = BUILD_MODEL_CLI;
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

test('--gguf-out also writes the same model as GGUF, one file per --gguf-types entry', () => {
  const out = join(root, 'with-gguf');
  const gguf = join(root, 'gguf');
  const built = buildModel([...SMALL, '--n-embd', '32', '--out', out, '--gguf-out', gguf]);
  expect(built.status).toBe(0);
  expect(readdirSync(gguf).sort()).toEqual(['tiny-f16.gguf', 'tiny-f32.gguf', 'tiny-q8_0.gguf']);
  const skipped = buildModel([...SMALL, '--out', out, '--gguf-out', gguf, '--if-missing']);
  expect(skipped.stderr).toContain('already holds a model; leaving it');
  const one = join(root, 'gguf-one');
  expect(
    buildModel([...SMALL, '--out', out, '--gguf-out', one, '--gguf-types', 'f16']).status,
  ).toBe(0);
  expect(readdirSync(one)).toEqual(['tiny-f16.gguf']);
});

test.each([
  { args: ['--gguf-types', 'q4_k'], message: '--gguf-types (q4_k): choose from f32, f16, q8_0' },
  { args: ['--n-embd', '8'], message: '--n-embd (8) must be a multiple of 32 for Q8_0 GGUF' },
])('GGUF options checked: $message', ({ args, message }) => {
  const out = join(root, `rejected-gguf-${Math.random().toString(36).slice(2)}`);
  const { status, stderr } = buildModel([...SMALL, ...args, '--out', out, '--gguf-out', out]);
  expect(status).toBe(2);
  expect(stderr.split('\n')[0]).toContain(message);
  expect(existsSync(out)).toBe(false);
});
