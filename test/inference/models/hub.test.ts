import { join } from 'node:path';
import { TransformersBackend, type LoadOptions } from '../../../inference/src/engine';
import { ModelLoadError } from '../../../inference/src/errors';
import { writeGpt2Model } from '../../../inference/tools/model-builder';
import { TINY_MODEL, copyTinyModel, generate, textRequest } from '../../helpers/engine';
import { startLoopbackHub, type LoopbackHub } from '../../helpers/hub-server';
import { tempDir } from '../../helpers/temp-dir';

const TOKEN = 'hf_loopbackSecret_7f3a9c';
const PROMPT = 'The weather today is';

const freshCache = () => tempDir('hub-cache');

function load(
  hub: { url: string },
  options: { cacheDir: string; token?: string; offline?: boolean } & Partial<LoadOptions>,
): Promise<TransformersBackend> {
  const { cacheDir, token, offline = false, ...rest } = options;
  return TransformersBackend.load({
    model: 'acme/tiny',
    device: 'cpu',
    dtype: 'fp32',
    hub: { endpoint: hub.url, token, cacheDir, offline },
    ...rest,
  });
}

/** The load's ModelLoadError message; fails the test if it loads. */
async function loadError(promise: Promise<TransformersBackend>): Promise<string> {
  const error = await promise.then(
    async (backend) => {
      await backend.dispose();
      throw new Error('the model loaded');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ModelLoadError);
  const message = (error as Error).message;
  expect(message).not.toContain('\n');
  expect(message).not.toContain(TOKEN);
  return message;
}

async function greedyText(backend: TransformersBackend): Promise<string> {
  try {
    return (await generate(backend, textRequest(PROMPT, { maxNewTokens: 8 }))).text;
  } finally {
    await backend.dispose();
  }
}

let hub: LoopbackHub;
let localText: string;

beforeAll(async () => {
  const withoutTemplate = copyTinyModel((config) => delete config.chat_template);
  hub = await startLoopbackHub({
    repos: { 'acme/tiny': { main: TINY_MODEL, 'v1.0': withoutTemplate } },
    token: TOKEN,
  });
  const local = await TransformersBackend.load({
    model: TINY_MODEL,
    device: 'cpu',
    dtype: 'fp32',
    hub: { endpoint: hub.url, cacheDir: freshCache(), offline: true },
  });
  localText = await greedyText(local);
});
afterAll(() => hub.close());

describe('loading from a Hub', () => {
  test('sends the token as a bearer token, downloads the files, generates as the local folder', async () => {
    const seen = hub.requests.length;
    const backend = await load(hub, { cacheDir: freshCache(), token: TOKEN });
    const requests = hub.requests.slice(seen);
    expect(requests.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
    const downloads = requests.filter((r) => !r.range).map((r) => r.path);
    for (const file of ['config.json', 'tokenizer.json', 'onnx/model.onnx']) {
      expect(downloads).toContain(`/acme/tiny/resolve/main/${file}`);
    }
    expect(downloads.filter((p) => p.endsWith('.onnx'))).toHaveLength(1);
    expect(await greedyText(backend)).toBe(localText);
  });

  test('a second load works offline from the cache, with the Hub gone', async () => {
    const ownHub = await startLoopbackHub({ repos: { 'acme/tiny': { main: TINY_MODEL } } });
    const cacheDir = freshCache();
    await (await load(ownHub, { cacheDir })).dispose();
    await ownHub.close();
    expect(await greedyText(await load(ownHub, { cacheDir, offline: true }))).toBe(localText);
  });

  test('the revision reaches the URL, and each revision is cached apart', async () => {
    const cacheDir = freshCache();
    const seen = hub.requests.length;
    const tagged = await load(hub, { cacheDir, token: TOKEN, revision: 'v1.0' });
    const paths = hub.requests.slice(seen).map((r) => r.path);
    expect(paths.length).toBeGreaterThan(0);
    expect(paths.every((p) => p.startsWith('/acme/tiny/resolve/v1.0/'))).toBe(true);
    expect(tagged.info.hasChatTemplate).toBe(false);
    await tagged.dispose();
    const main = await load(hub, { cacheDir, token: TOKEN });
    expect(main.info.hasChatTemplate).toBe(true);
    await main.dispose();
    const offline = (revision: string) => load(hub, { cacheDir, revision, offline: true });
    expect((await offline('v1.0')).info.hasChatTemplate).toBe(false);
    expect((await offline('main')).info.hasChatTemplate).toBe(true);
  });

  test('large files redirected to another host (as the Hub does for LFS) get no token', async () => {
    const lfsHub = await startLoopbackHub({
      repos: { 'acme/tiny': { main: TINY_MODEL } },
      token: TOKEN,
      redirectLargeFiles: true,
    });
    try {
      const backend = await load(lfsHub, { cacheDir: freshCache(), token: TOKEN });
      expect(lfsHub.fileHostRequests.map((r) => r.path)).toContain(
        '/acme/tiny/resolve/main/onnx/model.onnx',
      );
      expect(lfsHub.fileHostRequests.every((r) => r.authorization === undefined)).toBe(true);
      expect(await greedyText(backend)).toBe(localText);
    } finally {
      await lfsHub.close();
    }
  });

  test('weights in external data (model.onnx_data) come through and are cached', async () => {
    const folder = join(tempDir('ext'), 'model');
    const shape = { nEmbd: 32, nLayer: 1, nHead: 2, nPositions: 64 };
    writeGpt2Model(folder, { shape, seed: 3, externalData: true, chatTemplate: false });
    const extHub = await startLoopbackHub({
      repos: { 'acme/ext': { main: folder } },
      token: TOKEN,
    });
    const cacheDir = freshCache();
    try {
      const online = await load(extHub, { model: 'acme/ext', cacheDir, token: TOKEN });
      const downloads = extHub.requests.filter((r) => !r.range).map((r) => r.path);
      expect(downloads).toContain('/acme/ext/resolve/main/onnx/model.onnx_data');
      const text = await greedyText(online);
      expect(text.length).toBeGreaterThan(0);
      await extHub.close();
      const offline = await load(extHub, { model: 'acme/ext', cacheDir, offline: true });
      expect(await greedyText(offline)).toBe(text);
    } finally {
      await extHub.close();
    }
  });
});

describe('Hub failures are one clear ModelLoadError', () => {
  test('a wrong token', async () => {
    const message = await loadError(load(hub, { cacheDir: freshCache(), token: 'hf_wrong' }));
    expect(message).toMatch(/refused HF_TOKEN for acme\/tiny .*HTTP 401.*valid/);
    expect(hub.requests.at(-1)?.authorization).toBe('Bearer hf_wrong');
  });

  test('no token for a repository that needs one', async () => {
    const message = await loadError(load(hub, { cacheDir: freshCache() }));
    expect(message).toMatch(/acme\/tiny .*HTTP 401.*set HF_TOKEN/);
  });

  test('an unknown repository or revision', async () => {
    const cacheDir = freshCache();
    expect(await loadError(load(hub, { cacheDir, token: TOKEN, model: 'acme/nope' }))).toMatch(
      /acme\/nope \(revision main\) .*was not found.*check the model id/,
    );
    expect(await loadError(load(hub, { cacheDir, token: TOKEN, revision: 'v9' }))).toMatch(
      /acme\/tiny \(revision v9\) .*was not found.*MODEL_REVISION/,
    );
  });

  test('a dtype the repository has no weights for', async () => {
    const message = await loadError(
      load(hub, { cacheDir: freshCache(), token: TOKEN, dtype: 'q8' }),
    );
    expect(message).toMatch(/has no onnx\/model_quantized\.onnx .*pick a DTYPE/);
  });

  test('offline, with the model not in the cache', async () => {
    const cacheDir = freshCache();
    const message = await loadError(load(hub, { cacheDir, offline: true }));
    expect(message).toContain(`not in the model cache ${cacheDir}`);
  });

  test('a Hub that cannot be reached', async () => {
    const gone = await startLoopbackHub({ repos: {} });
    await gone.close();
    const message = await loadError(load(gone, { cacheDir: freshCache(), token: TOKEN }));
    expect(message).toMatch(
      /could not reach the Hub at http:\/\/127\.0\.0\.1:\d+ \(ECONNREFUSED\)/,
    );
  });
});
