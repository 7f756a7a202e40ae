import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from '../../../inference/src/errors';
import { pullModel, type PullOptions } from '../../../inference/src/models/pull';
import { checkLocalModelFolder } from '../../../inference/src/models/source';
import { startFakeHub, type FakeHub } from '../../helpers/fake-hub';
import { TINY_MODEL } from '../../helpers/server';

const TOKEN = 'hf_pulltest_0123456789';
let hub: FakeHub;
let scratch: string;

beforeAll(async () => {
  hub = await startFakeHub({ models: { 'acme/tiny': TINY_MODEL }, token: TOKEN });
});
afterAll(() => hub.close());
beforeEach(() => {
  scratch = mkdtempSync(join(tmpdir(), 'pull-test-'));
  hub.requests.length = 0;
});
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function options(overrides: Partial<PullOptions> = {}): PullOptions {
  return {
    id: 'acme/tiny',
    revision: 'main',
    dtype: 'fp32',
    device: 'cpu',
    hub: { endpoint: hub.url, token: TOKEN, cacheDir: join(scratch, 'cache'), offline: false },
    outDir: join(scratch, 'model'),
    ...overrides,
  };
}

test('pulls config, tokenizer and the fp32 weights into a folder the server accepts', async () => {
  const files = await pullModel(options());
  expect(files.sort()).toEqual([
    'config.json',
    'generation_config.json',
    'onnx/model.onnx',
    'tokenizer.json',
    'tokenizer_config.json',
  ]);
  // Buffer.equals: jest's toEqual walks a 13 MB buffer element by element for minutes.
  const differing = files.filter(
    (file) =>
      !readFileSync(join(scratch, 'model', file)).equals(readFileSync(join(TINY_MODEL, file))),
  );
  expect(differing).toEqual([]);
  expect(() => checkLocalModelFolder(join(scratch, 'model'), 'fp32')).not.toThrow();
  expect(hub.requests.length).toBeGreaterThan(0);
  expect(hub.requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
});

test('asks for the requested revision', async () => {
  await pullModel(options({ revision: 'v1.0' }));
  const files = hub.requests.filter((r) => r.path.includes('/resolve/'));
  expect(files.every((r) => r.path.startsWith('/acme/tiny/resolve/v1.0/'))).toBe(true);
});

test('a missing token fails with the status and what to do', async () => {
  const noToken = options();
  noToken.hub = { ...noToken.hub, token: undefined };
  const failure = pullModel(noToken);
  await expect(failure).rejects.toThrow(ModelLoadError);
  await expect(failure).rejects.toThrow(
    /acme\/tiny\/resolve\/main\/config\.json answered 401.*HF_TOKEN/,
  );
});

test('an unreachable endpoint says so', async () => {
  const unreachable = options();
  unreachable.hub = { ...unreachable.hub, endpoint: 'http://127.0.0.1:9' };
  await expect(pullModel(unreachable)).rejects.toThrow(/could not reach .*check HF_ENDPOINT/);
});

test('weights absent for the dtype fail naming the file', async () => {
  await expect(pullModel(options({ dtype: 'q8' }))).rejects.toThrow(
    /onnx\/model_quantized\.onnx answered 404/,
  );
});
