import { Writable } from 'node:stream';
import OpenAI from 'openai';
import Replicate from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import {
  countingCompletion,
  startFakeUpstream,
  type CompletionHandler,
  type FakeUpstream,
} from '../../../helpers/fake-upstream';
import { startGateway } from '../../../helpers/upstream-server';

/**
 * The engine's failures reach clients as our typed errors, in our words: never the engine's body,
 * address or key. Operators find the engine's body in the log, still without the key.
 */

const KEY = 'upstream-key-0123456789abcdef';
const INTERNAL = 'secret-internal: traceback at /opt/engine/worker.py';
let behaviour: CompletionHandler = countingCompletion;
let fake: FakeUpstream;
let gateway: RunningServer;
let client: OpenAI;
let logs = '';

beforeAll(async () => {
  fake = await startFakeUpstream({ completion: (...args) => behaviour(...args) });
  const stream = new Writable({ write: (chunk, _enc, done) => ((logs += chunk), done()) });
  gateway = await startGateway(
    fake.url,
    { UPSTREAM_MODEL: 'fake', UPSTREAM_API_KEY: KEY },
    { level: 'info', stream },
  );
  client = new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});
afterAll(async () => {
  await gateway.close();
  await fake.close();
});
afterEach(() => (behaviour = countingCompletion));

const failWith =
  (status: number, headers: Record<string, string> = {}, body = INTERNAL): CompletionHandler =>
  (_request, _stream, response) =>
    void response
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify({ error: { message: body } }));

async function completionError(): Promise<{
  status: number;
  retryAfter: string | null;
  body: string;
}> {
  const res = await fetch(`${gateway.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake', prompt: 'Hello there', max_tokens: 4 }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: await res.text() };
}

function expectNothingLeaked(text: string): void {
  expect(text).not.toContain('secret-internal');
  expect(text).not.toContain(KEY);
  expect(text).not.toContain(String(fake.port));
}

test('the key goes to the engine as a bearer token on every call, and never into the logs', async () => {
  await client.completions.create({ model: 'fake', prompt: 'hi', max_tokens: 2 });
  expect(fake.requests.length).toBeGreaterThan(3);
  for (const request of fake.requests) expect(request.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(logs).not.toContain(KEY);
});

test.each([
  [400, 400, 'invalid_request_error', undefined],
  [401, 502, 'engine_error', undefined],
  [404, 502, 'engine_error', undefined],
  [429, 429, 'overloaded', '7'],
  [500, 502, 'engine_error', undefined],
  [503, 503, 'engine_unavailable', '7'],
  [504, 504, 'engine_timeout', undefined],
])('engine %i -> client %i %s, in our words', async (engineStatus, status, code, retryAfter) => {
  behaviour = failWith(engineStatus, { 'retry-after': '7' });
  const answer = await completionError();
  expect(answer.status).toBe(status);
  expect(JSON.parse(answer.body).error.code).toBe(code);
  if (retryAfter) expect(answer.retryAfter).toBe(retryAfter);
  expectNothingLeaked(answer.body);
  // Operators see what the engine said.
  expect(logs).toContain('secret-internal');
});

test("an engine's context overflow it alone could see becomes a 400 naming max_tokens", async () => {
  behaviour = failWith(400, {}, "This model's maximum context length is 2048 tokens");
  const answer = await completionError();
  expect(answer.status).toBe(400);
  expect(JSON.parse(answer.body).error).toMatchObject({ param: 'max_tokens' });
  expect(answer.body).not.toContain('2048');
});

test('an error in the middle of a stream: an error event for a streaming client, 502 otherwise', async () => {
  behaviour = (_request, stream, response) => {
    stream.text(' partial');
    response.end(`data: ${JSON.stringify({ error: { message: INTERNAL } })}\n\ndata: [DONE]\n\n`);
  };
  const whole = await completionError();
  expect(whole.status).toBe(502);
  expectNothingLeaked(whole.body);
  const streamed = await client.completions.create({
    model: 'fake',
    prompt: 'hi',
    max_tokens: 4,
    stream: true,
  });
  const read = async () => {
    for await (const chunk of streamed) void chunk;
  };
  await expect(read()).rejects.toThrow(/inference engine failed/);
});

test('a Replicate prediction the engine fails ends failed, with our message', async () => {
  behaviour = failWith(500);
  const replicate = new Replicate({ auth: 'x', baseUrl: `${gateway.url}/v1`, fetch });
  const created = await replicate.predictions.create({
    model: 'acme/fake',
    input: { prompt: 'Hello there' },
  });
  // The SDK's wait throws with the prediction's error.
  await expect(replicate.wait(created, { interval: 50 })).rejects.toThrow(
    /inference engine failed \(HTTP 500\)/,
  );
  const prediction = await replicate.predictions.get(created.id);
  expect(prediction.status).toBe('failed');
  expectNothingLeaked(JSON.stringify(prediction));
});
