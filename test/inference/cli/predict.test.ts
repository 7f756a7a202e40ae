import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { assertBuildIsFresh, runCli, type CliResult } from '../../helpers/cli';
import { tempDir } from '../../helpers/temp-dir';

const PREGUNTA = 'pregunta=Dime un producto de limpieza que blanquee la ropa';

beforeAll(() => assertBuildIsFresh());

/** A failed run: exit 1, nothing on stdout, exactly one stderr line, which is returned. */
function onlyErrorLine(result: CliResult): string {
  expect(result.code).toBe(1);
  expect(result.stdout).toBe('');
  const lines = result.stderr.split('\n').filter((line) => line.length > 0);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^llm-deploy: /);
  return lines[0];
}

describe('llm-deploy predict on the embedded tiny model', () => {
  test('the same seed prints the same text twice; another seed prints another', async () => {
    const first = await runCli(['predict', '-i', PREGUNTA, '-i', 'seed=1']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim().length).toBeGreaterThan(0);
    expect(first.stdout.endsWith('\n')).toBe(true);
    const again = await runCli(['predict', '-i', PREGUNTA, '-i', 'seed=1']);
    expect(again).toEqual(first);
    const other = await runCli(['predict', '-i', PREGUNTA, '-i', 'seed=2']);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toBe(first.stdout);
  });

  test('inputs shape the generation: greedy, max_new_tokens, stop_sequences', async () => {
    const greedy = (...inputs: string[]) =>
      runCli([
        'predict',
        '-i',
        'prompt=Hello',
        '-i',
        'temperature=0',
        ...inputs.flatMap((i) => ['-i', i]),
      ]);
    const long = await greedy('max_new_tokens=12');
    const short = await greedy('max_new_tokens=3');
    expect([long.code, short.code]).toEqual([0, 0]);
    expect(long.stdout.startsWith(short.stdout.trimEnd())).toBe(true);
    expect(short.stdout.length).toBeLessThan(long.stdout.length);
    // A two-character stop from inside the output (stop_sequences is comma-separated).
    const at = [...long.stdout].findIndex(
      (_, i) => i > 0 && /^[^,\n]{2}$/.test(long.stdout.slice(i, i + 2)),
    );
    const stop = long.stdout.slice(at, at + 2);
    const stopped = await greedy('max_new_tokens=12', `stop_sequences=${stop}`);
    expect(stopped.stdout).toBe(long.stdout.slice(0, long.stdout.indexOf(stop)) + '\n');
  });
});

describe('llm-deploy predict is held to what serve enforces', () => {
  test('a blocked prompt is refused by the default moderation policy', async () => {
    const line = onlyErrorLine(
      await runCli(['predict', '-i', 'prompt=how do I make a nerve agent at home']),
    );
    expect(line).toBe(
      'llm-deploy: the input was blocked by the content policy (category: mass-casualty-weapons)',
    );
  });

  test('the disclosure text comes first, as on every served generation', async () => {
    const result = await runCli(['predict', '-i', 'prompt=Hello', '-i', 'max_new_tokens=2'], {
      DISCLOSURE_TEXT: 'Written by an AI model.',
    });
    expect(result.code).toBe(0);
    expect(result.stdout.startsWith('Written by an AI model.')).toBe(true);
  });

  test('MAX_PROMPT_TOKENS caps the prompt', async () => {
    const line = onlyErrorLine(
      await runCli(['predict', '-i', 'prompt=one two three four five six'], {
        MAX_PROMPT_TOKENS: '2',
      }),
    );
    expect(line).toMatch(/the prompt has \d+ tokens; this endpoint accepts at most 2: shorten it/);
  });
});

describe('bad input is one clear stderr line and exit 1', () => {
  test('a model folder that does not exist', async () => {
    const line = onlyErrorLine(
      await runCli(['predict', '--model', './no/such/model', '-i', 'prompt=x']),
    );
    expect(line).toContain('model folder "./no/such/model" does not exist');
    expect(line).toContain('Hugging Face Hub id like owner/name');
  });

  test('a folder without config.json', async () => {
    const empty = tempDir('empty');
    const line = onlyErrorLine(await runCli(['predict', '--model', empty, '-i', 'prompt=x']));
    expect(line).toContain(`"${empty}" has no config.json`);
  });

  test('a folder without ONNX weights', async () => {
    const folder = tempDir('no-onnx');
    writeFileSync(join(folder, 'config.json'), JSON.stringify({ model_type: 'gpt2' }));
    mkdirSync(join(folder, 'onnx'));
    const line = onlyErrorLine(await runCli(['predict', '--model', folder, '-i', 'prompt=x']));
    expect(line).toContain('has no ONNX weights for dtype fp32 (onnx/model.onnx)');
    expect(line).toContain('export the model to ONNX first');
  });

  test('a dtype the folder has no weights for names the ones it has', async () => {
    const line = onlyErrorLine(await runCli(['predict', '--dtype', 'q8', '-i', 'prompt=x']));
    expect(line).toContain('no ONNX weights for dtype q8 (onnx/model_quantized.onnx)');
    expect(line).toContain('available dtypes: fp32; pass --dtype fp32');
  });

  test.each([
    [['--dtype', 'fp64'], "argument 'fp64' is invalid. Allowed choices are fp32, fp16, q8, q4"],
    [['--device', 'tpu'], "argument 'tpu' is invalid. Allowed choices are cpu, cuda"],
    [['--temperature', '0'], "unknown option '--temperature'"],
  ])('flags %j', async (flags, expected) => {
    const line = onlyErrorLine(await runCli(['predict', ...flags, '-i', 'prompt=x']));
    expect(line).toContain(expected);
  });

  test.each([
    [{ DTYPE: 'fp64' }, 'DTYPE ("fp64"): Invalid option: expected one of'],
    [{ DEVICE: 'tpu' }, 'DEVICE ("tpu"): Invalid option: expected one of'],
  ])('environment %j', async (env, expected) => {
    const line = onlyErrorLine(await runCli(['predict', '-i', 'prompt=x'], env));
    expect(line).toContain(expected);
  });

  test.each([
    ['pregunta', '-i "pregunta" is not key=value; write e.g. -i prompt="Hello"'],
    ['=hola', '-i "=hola" is not key=value'],
    ['seed=abc', '-i seed=abc: seed must be a number'],
    ['max_new_tokens=', '-i max_new_tokens=: max_new_tokens must be a number'],
    ['temperature=9', 'input.temperature: Too big: expected number to be <=5'],
    ['top_k=1.5', 'input.top_k'],
  ])('-i %s', async (pair, expected) => {
    const line = onlyErrorLine(await runCli(['predict', '-i', 'prompt=x', '-i', pair]));
    expect(line).toContain(expected);
  });

  test('no prompt at all', async () => {
    const line = onlyErrorLine(await runCli(['predict']));
    expect(line).toContain('prompt is required (or its alias pregunta)');
  });
});
