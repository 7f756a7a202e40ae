import OpenAI from 'openai';
import Replicate from 'replicate';
import { podman, startContainer, testImage, waitForReady, type Container } from '../helpers/podman';
import { TINY_MODEL } from '../helpers/server';

// Option (c): the model is a folder mounted read-only; nothing in the container is writable.
const GRACE_SECONDS = 30;
let server: Container;
let openai: OpenAI;

beforeAll(async () => {
  server = await startContainer({
    image: testImage(),
    args: [
      '--read-only',
      '-v',
      `${TINY_MODEL}:/models/tiny:ro`,
      '-e',
      'MODEL=/models/tiny',
      '-e',
      `SHUTDOWN_GRACE_SECONDS=${GRACE_SECONDS}`,
    ],
  });
  await waitForReady(server);
  openai = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(() => server?.remove());

test('/readyz says ready once the model is loaded', async () => {
  const response = await fetch(`${server.url}/readyz`);
  expect(response.status).toBe(200);
  expect(await response.json()).toEqual({ status: 'ready' });
});

test('answers an OpenAI chat completion (official client)', async () => {
  const completion = await openai.chat.completions.create({
    model: 'tiny',
    messages: [{ role: 'user', content: 'Say hello' }],
    max_tokens: 8,
    seed: 7,
  });
  expect(completion.model).toBe('tiny');
  expect(completion.choices[0].message.content?.length).toBeGreaterThan(0);
  expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
});

test('answers a Replicate prediction held open with Prefer: wait (official client)', async () => {
  const replicate = new Replicate({ auth: 'unused', baseUrl: `${server.url}/v1` });
  const prediction = await replicate.predictions.create({
    version: 'v1',
    input: { prompt: 'Say hello', max_new_tokens: 8, seed: 7 },
    wait: true, // sends Prefer: wait
  });
  expect(prediction.status).toBe('succeeded');
  expect((prediction.output as string[]).join('').length).toBeGreaterThan(0);
});

test('serves the playground page and its assets (copied into the image with the code)', async () => {
  const page = await fetch(`${server.url}/playground`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/text\/html/);
  const script = await fetch(`${server.url}/playground/assets/main.js`);
  expect(script.status).toBe(200);
  expect((await script.text()).length).toBeGreaterThan(0);
});

test('runs as a non-root user', async () => {
  expect(await podman(['exec', server.id, 'id', '-u'])).not.toBe('0');
});

test('works on a read-only root filesystem', async () => {
  expect(await podman(['inspect', '--format', '{{.HostConfig.ReadonlyRootfs}}', server.id])).toBe(
    'true',
  );
  await expect(podman(['exec', server.id, 'touch', '/app/probe'])).rejects.toThrow(
    /Read-only file system/,
  );
});

test("the image's HEALTHCHECK passes", async () => {
  // Exit status 0 is "healthy"; podman rejects otherwise.
  await expect(podman(['healthcheck', 'run', server.id])).resolves.toBe('');
});

test('SIGTERM: the stream in flight finishes, then the server exits 0 within the grace period', async () => {
  const stream = await openai.chat.completions.create({
    model: 'tiny',
    messages: [{ role: 'user', content: 'Tell a long story' }],
    max_tokens: 150,
    seed: 7,
    stream: true,
  });
  let signalledAt = 0;
  let chunksAfterSignal = 0;
  let finishReason: string | null | undefined;
  for await (const chunk of stream) {
    if (signalledAt === 0) {
      await podman(['kill', '--signal', 'TERM', server.id]);
      signalledAt = Date.now();
    } else chunksAfterSignal += 1;
    finishReason = chunk.choices[0]?.finish_reason ?? finishReason;
  }
  expect(finishReason).toBe('length');
  expect(chunksAfterSignal).toBeGreaterThan(0);
  const exitCode = await podman(['wait', server.id], { timeoutMs: (GRACE_SECONDS + 30) * 1000 });
  const seconds = (Date.now() - signalledAt) / 1000;
  expect({ exitCode, withinGrace: seconds < GRACE_SECONDS }).toEqual({
    exitCode: '0',
    withinGrace: true,
  });
});
