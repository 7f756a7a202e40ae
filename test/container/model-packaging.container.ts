import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeHub, type FakeHub } from '../helpers/fake-hub';
import {
  blobBytes,
  freePort,
  layerEntries,
  podman,
  saveImage,
  startContainer,
  testImage,
  waitForReady,
  type Container,
} from '../helpers/podman';
import { TINY_MODEL } from '../helpers/server';

// Options (a) baked at build and (b) fetched at start, against a stand-in Hub on loopback that
// refuses any request without the token: a model that arrives proves the token was used.
const ROOT = join(__dirname, '..', '..');
const TOKEN = `hf_${randomBytes(20).toString('hex')}`;
const BAKED_IMAGE = 'localhost/llm-deploy-test:baked';
const HUB_ID = 'acme/tiny-chat';
let hub: FakeHub;
let scratch: string;
const containers: Container[] = [];
let saved: Awaited<ReturnType<typeof saveImage>>;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'model-packaging-'));
  hub = await startFakeHub({ models: { [HUB_ID]: TINY_MODEL }, token: TOKEN });
});
afterAll(async () => {
  await Promise.all(containers.map((c) => c.remove()));
  await podman(['volume', 'rm', '--force', 'llm-deploy-test-cache']).catch(() => '');
  await hub?.close();
  rmSync(scratch, { recursive: true, force: true });
});

describe('(a) a Hub model baked in at build, the token passed as a build secret', () => {
  beforeAll(async () => {
    const tokenFile = join(scratch, 'hf_token');
    writeFileSync(tokenFile, TOKEN, { mode: 0o600 });
    const base = process.env.LLM_DEPLOY_TEST_BASE_IMAGE;
    if (!base)
      throw new Error('LLM_DEPLOY_TEST_BASE_IMAGE is not set: run `npm run test:container`');
    await podman(
      [
        'build',
        ...['--format', 'docker', '--network', 'host', '-f', join(ROOT, 'docker', 'Dockerfile')],
        ...['--build-arg', `BASE_IMAGE=${base}`, '--build-arg', `MODEL=${HUB_ID}`],
        ...['--build-arg', `HF_ENDPOINT=${hub.url}`],
        ...['--secret', `id=hf_token,src=${tokenFile}`, '-t', BAKED_IMAGE, ROOT],
      ],
      { timeoutMs: 600_000 },
    );
    saved = await saveImage(BAKED_IMAGE, join(scratch, 'saved'));
  });

  test('the build fetched the model with the token', () => {
    const files = hub.requests.filter((r) => r.path.startsWith(`/${HUB_ID}/resolve/`));
    expect(files.map((r) => r.path)).toContain(`/${HUB_ID}/resolve/main/onnx/model.onnx`);
    expect(files.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  test('the token is in neither podman history, podman inspect nor any layer', async () => {
    const history = await podman(['history', '--no-trunc', BAKED_IMAGE]);
    const inspect = await podman(['image', 'inspect', BAKED_IMAGE]);
    // What was searched is the real thing: the history and configuration of the baked image.
    expect(history).toContain('/app/inference/dist/src');
    expect(inspect).toContain(`SERVED_MODEL_NAME=${HUB_ID}`);
    expect(history).not.toContain(TOKEN);
    expect(inspect).not.toContain(TOKEN);
    const { layers, blobs } = saved;
    expect(layers.length).toBeGreaterThan(4);
    expect(blobs.filter((blob) => blobBytes(blob).includes(TOKEN))).toEqual([]);
  });

  test('the weights are a layer of their own, ahead of the code, stamped for a stable digest', async () => {
    const { layers } = saved;
    const entries = await Promise.all(layers.map(layerEntries));
    const model = entries.findIndex((e) => e.some((x) => x.name === 'model/onnx/model.onnx'));
    const code = entries.findIndex((e) =>
      e.some((x) => x.name.startsWith('app/inference/dist/src/')),
    );
    expect(model).toBeGreaterThanOrEqual(0);
    expect(model).toBeLessThan(code);
    expect(entries[model].filter((x) => !x.name.startsWith('model/'))).toEqual([]);
    expect(entries[model].filter((x) => x.mtime !== '1970-01-01 00:00:00')).toEqual([]);
  });

  test('serves the baked model read-only, with no mount and no token', async () => {
    const server = await startContainer({ image: BAKED_IMAGE, args: ['--read-only'] });
    containers.push(server);
    await waitForReady(server);
    const models = (await (await fetch(`${server.url}/v1/models`)).json()) as {
      data: { id: string }[];
    };
    expect(models.data.map((m) => m.id)).toEqual([HUB_ID]);
  });
});

test('(b) a Hub model fetched at start into a cache volume', async () => {
  await podman(['volume', 'rm', '--force', 'llm-deploy-test-cache']); // none left from a past run
  hub.requests.length = 0;
  const port = await freePort();
  const server = await startContainer({
    image: testImage(),
    hostPort: port,
    args: [
      ...['--network', 'host', '--read-only', '-v', 'llm-deploy-test-cache:/cache'],
      ...['-e', 'HOST=127.0.0.1', '-e', `PORT=${port}`, '-e', `METRICS_PORT=${await freePort()}`],
      ...['-e', `MODEL=${HUB_ID}`, '-e', `HF_ENDPOINT=${hub.url}`, '-e', `HF_TOKEN=${TOKEN}`],
    ],
  });
  containers.push(server);
  await waitForReady(server);
  const cached = await podman(['exec', server.id, 'find', '/cache', '-name', 'model.onnx']);
  expect(cached).toMatch(new RegExp(`^/cache/${HUB_ID}/.*onnx/model\\.onnx$`));
  const fetched = hub.requests.filter((r) => r.path.endsWith('/onnx/model.onnx'));
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.every((r) => r.authorization === `Bearer ${TOKEN}`)).toBe(true);
});
