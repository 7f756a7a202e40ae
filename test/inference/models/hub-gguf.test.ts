/**
 * GGUF models from a Hub repository: the file QUANT or GGUF_FILE chooses is downloaded (with the
 * token) into the cache and served from there, offline too; `pull` writes it to a folder the
 * server then serves; what the repository lacks is one clear line.
 */
import { copyFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chooseEngine } from '../../../inference/src/engine/choose-engine';
import { LlamaCppBackend } from '../../../inference/src/engine/llamacpp';
import type { HubOptions } from '../../../inference/src/models/hub';
import { assertBuildIsFresh, runCli } from '../../helpers/cli';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub';
import { TINY_GGUF_DIR, TINY_MODEL } from '../../helpers/model-paths';
import { tempDir } from '../../helpers/temp-dir';

const TOKEN = 'hf_gguftest_0123456789';
const REPO = 'acme/tiny-GGUF';
let hub: FakeHub;

beforeAll(async () => {
  const repo = tempDir('gguf-repo');
  copyFileSync(join(TINY_GGUF_DIR, 'tiny-f32.gguf'), join(repo, 'tiny-F32.gguf'));
  copyFileSync(join(TINY_GGUF_DIR, 'tiny-q8_0.gguf'), join(repo, 'tiny-Q8_0.gguf'));
  // A vision projector is never a model to serve on its own.
  copyFileSync(join(TINY_GGUF_DIR, 'tiny-f16.gguf'), join(repo, 'mmproj-tiny-F16.gguf'));
  writeFileSync(join(repo, 'README.md'), '# tiny\n');
  hub = await startFakeHub({ models: { [REPO]: repo, 'acme/tiny': TINY_MODEL }, token: TOKEN });
});
afterAll(() => hub.close());
beforeEach(() => {
  hub.requests.length = 0;
});

function hubOptions(overrides: Partial<HubOptions> = {}): HubOptions {
  return {
    endpoint: hub.url,
    token: TOKEN,
    cacheDir: tempDir('cache'),
    offline: false,
    ...overrides,
  };
}

const load = (hubSettings: HubOptions, gguf: { file?: string; quant?: string }) =>
  LlamaCppBackend.load({
    model: REPO,
    revision: 'main',
    gguf,
    device: 'cpu',
    hub: hubSettings,
    sequences: 1,
    threads: 1,
  });

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'loaded',
    (error: Error) => error.message,
  );

test('QUANT picks the file; only it is downloaded, with the token; offline, the cache serves it', async () => {
  const settings = hubOptions();
  const backend = await load(settings, { quant: 'Q8_0' });
  expect(backend.info).toMatchObject({ engine: 'llamacpp', quantization: 'Q8_0', dtype: 'q8' });
  await backend.dispose();
  const downloads = hub.requests.filter((r) => r.path.includes('/resolve/'));
  expect(downloads.map((r) => r.path)).toEqual([`/${REPO}/resolve/main/tiny-Q8_0.gguf`]);
  expect(hub.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  expect(readdirSync(join(settings.cacheDir, 'gguf', 'acme', 'tiny-GGUF', 'main'))).toEqual([
    'tiny-Q8_0.gguf',
  ]);

  hub.requests.length = 0;
  const again = await load({ ...settings, offline: true }, { quant: 'Q8_0' });
  await again.dispose();
  expect(hub.requests).toEqual([]);
  // Online again, a cached file of the listed size is not fetched twice.
  await (await load(settings, { file: 'tiny-Q8_0.gguf' })).dispose();
  expect(hub.requests.filter((r) => r.path.includes('/resolve/'))).toEqual([]);
});

test('what the repository or the cache lacks is one line saying so', async () => {
  const messages = [
    await failure(load(hubOptions(), {})),
    await failure(load(hubOptions(), { file: 'tiny-Q4_K_M.gguf' })),
    await failure(load(hubOptions(), { quant: 'Q4_K_M' })),
    await failure(load(hubOptions({ offline: true }), { quant: 'Q8_0' })),
    await failure(load(hubOptions({ token: 'hf_wrong' }), { quant: 'Q8_0' })),
    await failure(load(hubOptions({ token: undefined }), { quant: 'Q8_0' })),
  ];
  const at = `${REPO} (revision main) on ${hub.url}`;
  expect(messages).toEqual([
    `${at} holds several GGUF files (tiny-F32.gguf, tiny-Q8_0.gguf); choose one with QUANT (e.g. Q4_K_M) or GGUF_FILE`,
    `${at} has no GGUF file "tiny-Q4_K_M.gguf" (GGUF_FILE); it has tiny-F32.gguf, tiny-Q8_0.gguf`,
    `${at} has no GGUF file for quantization Q4_K_M (QUANT); it has tiny-F32.gguf, tiny-Q8_0.gguf`,
    expect.stringMatching(
      /^acme\/tiny-GGUF \(revision main\) is not in the model cache .* \(HF_HUB_OFFLINE\)/,
    ),
    `the Hub refused HF_TOKEN for ${at} (HTTP 401): check that the token can read this repository`,
    `${at} answered HTTP 401: it is private or gated; set HF_TOKEN to a token that can read it`,
  ]);
  const missing = await failure(
    LlamaCppBackend.load({
      model: 'acme/nothing-GGUF',
      revision: 'main',
      gguf: {},
      device: 'cpu',
      hub: hubOptions(),
      sequences: 1,
    }),
  );
  expect(missing).toBe(
    `acme/nothing-GGUF (revision main) on ${hub.url} was not found (HTTP 404): check the model id and MODEL_REVISION`,
  );
});

test('the engine follows what the repository holds', async () => {
  const settings = { revision: 'main', gguf: {}, hub: hubOptions() };
  expect(await chooseEngine({ ...settings, model: REPO })).toBe('llamacpp');
  expect(await chooseEngine({ ...settings, model: 'acme/tiny' })).toBe('onnx');
  expect(await chooseEngine({ ...settings, model: 'acme/tiny', gguf: { quant: 'Q8_0' } })).toBe(
    'llamacpp',
  );
  expect(await chooseEngine({ ...settings, model: REPO, engine: 'onnx' })).toBe('onnx');
});

test('pull writes the chosen GGUF file to a folder that predict then serves offline', async () => {
  assertBuildIsFresh();
  const out = join(tempDir('pulled'), 'model');
  const env = { HF_ENDPOINT: hub.url, HF_TOKEN: TOKEN };
  const pulled = await runCli(['pull', '--model', REPO, '--quant', 'Q8_0', '--out', out], env);
  expect(pulled.code).toBe(0);
  expect(pulled.stderr).toContain(`${REPO}@main (GGUF tiny-Q8_0.gguf) in ${out}`);
  expect(readdirSync(out)).toEqual(['tiny-Q8_0.gguf']);
  const predicted = await runCli(
    ['predict', '--model', out, '-i', 'prompt=Hello', '-i', 'max_new_tokens=5'],
    { HF_HUB_OFFLINE: 'true', THREADS: '1' },
  );
  expect(predicted).toMatchObject({ code: 0 });
  expect(predicted.stdout.trim().length).toBeGreaterThan(0);

  const missing = await runCli(
    ['pull', '--model', REPO, '--gguf-file', 'nope.gguf', '--out', out],
    env,
  );
  expect(missing.code).toBe(1);
  expect(missing.stderr.trimEnd().split('\n')).toEqual([
    `llm-deploy: ${REPO} (revision main) on ${hub.url} has no GGUF file "nope.gguf" (GGUF_FILE); it has tiny-F32.gguf, tiny-Q8_0.gguf`,
  ]);
  expect(existsSync(join(out, 'nope.gguf'))).toBe(false);
});
