import type { RunningServer } from '../../../../inference/src/server';
import {
  countingCompletion,
  startFakeUpstream,
  type CompletionHandler,
  type FakeUpstream,
} from '../../../helpers/fake-upstream';
import { startGateway } from '../../../helpers/upstream-server';

/**
 * A slow engine is held to our timeouts, and what the gateway gives up on is cancelled at the
 * engine (the fake engine records the connection closing before its response ended).
 */

let behaviour: CompletionHandler = countingCompletion;
let fake: FakeUpstream;

beforeAll(async () => {
  // The gateway's warm-up runs on the counting behaviour; each test then sets its own.
  fake = await startFakeUpstream({ completion: (...args) => behaviour(...args) });
});
afterAll(() => fake.close());
afterEach(() => (behaviour = countingCompletion));

async function gatewayWith(env: Record<string, string>): Promise<RunningServer> {
  const gateway = await startGateway(fake.url, { UPSTREAM_MODEL: 'fake', ...env });
  expect(gateway.lifecycle.ready).toBe(true);
  return gateway;
}

const complete = (gateway: RunningServer, maxTokens = 50) =>
  fetch(`${gateway.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'fake', prompt: 'Hello there', max_tokens: maxTokens }),
  });

test('an engine that never answers: 504 after UPSTREAM_TIMEOUT_SECONDS, the request closed at the engine', async () => {
  const gateway = await gatewayWith({ UPSTREAM_TIMEOUT_SECONDS: '1' });
  try {
    behaviour = () => undefined;
    const aborted = fake.waitForAbort();
    const started = performance.now();
    const res = await complete(gateway);
    const seconds = (performance.now() - started) / 1000;
    expect(res.status).toBe(504);
    expect((await res.json()).error).toMatchObject({
      code: 'engine_timeout',
      type: 'server_error',
    });
    expect(seconds).toBeGreaterThanOrEqual(0.9);
    expect(seconds).toBeLessThan(5);
    expect((await aborted).path).toBe('/v1/completions');
    expect(gateway.lifecycle.scheduler?.running).toBe(0);
  } finally {
    await gateway.close();
  }
});

test('an engine that stalls mid-stream: 504 once nothing came for UPSTREAM_TIMEOUT_SECONDS', async () => {
  const gateway = await gatewayWith({ UPSTREAM_TIMEOUT_SECONDS: '1' });
  try {
    behaviour = (_request, stream) => stream.text(' first');
    const aborted = fake.waitForAbort();
    const res = await complete(gateway);
    expect(res.status).toBe(504);
    expect((await aborted).aborted).toBe(true);
  } finally {
    await gateway.close();
  }
});

test('a slow but steady engine is cut at REQUEST_TIMEOUT_SECONDS: finish length, request closed at the engine', async () => {
  const gateway = await gatewayWith({
    REQUEST_TIMEOUT_SECONDS: '1',
    UPSTREAM_TIMEOUT_SECONDS: '30',
  });
  try {
    behaviour = (_request, stream) => {
      const timer = setInterval(() => stream.text(' slow'), 100);
      stream.raw.once('close', () => clearInterval(timer));
    };
    const aborted = fake.waitForAbort();
    const started = performance.now();
    const res = await complete(gateway, 500);
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.choices[0].text).toMatch(/^( slow)+$/);
    // Without the engine's usage chunk, one token per text chunk stands in.
    expect(body.usage.completion_tokens).toBe(body.choices[0].text.split(' slow').length - 1);
    expect((performance.now() - started) / 1000).toBeLessThan(4);
    expect((await aborted).path).toBe('/v1/completions');
  } finally {
    await gateway.close();
  }
});
