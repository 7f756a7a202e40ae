import type { RunningServer } from '../../../inference/src/server';
import { startTestServer } from '../../helpers/server';

const json = (url: string, body: unknown, key?: string) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

describe('size and token limits', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      MAX_BODY_BYTES: '4096',
      MAX_PROMPT_TOKENS: '40',
      MAX_NEW_TOKENS: '64',
    });
  });
  afterAll(() => server.close());
  const completions = (body: unknown) => json(`${server.url}/v1/completions`, body);

  test('an oversized body gets 413 with a JSON error', async () => {
    const res = await completions({ model: 'tiny', prompt: 'x'.repeat(10_000) });
    expect(res.status).toBe(413);
    expect((await res.json()).error.message).toMatch(/too large/);
  });

  test('a prompt over the token cap gets 400 naming prompt', async () => {
    const res = await completions({ model: 'tiny', prompt: 'word '.repeat(100) });
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.param).toBe('prompt');
    expect(error.message).toMatch(/at most 40/);
  });

  test('max_tokens over the cap gets 400 naming max_tokens', async () => {
    const res = await completions({ model: 'tiny', prompt: 'hi', max_tokens: 65 });
    expect(res.status).toBe(400);
    expect((await res.json()).error.param).toBe('max_tokens');
  });
});

describe('per-key rate limits', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({
      API_KEYS: 'alpha-key-0000000000,beta-key-1111111111',
      RATE_LIMIT_RPM: '3',
      RATE_LIMIT_TPM: '1000',
    });
  });
  afterAll(() => server.close());
  const complete = (key: string, maxTokens = 2) =>
    json(
      `${server.url}/v1/completions`,
      { model: 'tiny', prompt: 'hi', max_tokens: maxTokens, temperature: 0 },
      key,
    );

  test('requests per minute: the fourth request of a key gets 429 with Retry-After; another key is unaffected', async () => {
    for (let i = 0; i < 3; i++) expect((await complete('alpha-key-0000000000')).status).toBe(200);
    const limited = await complete('alpha-key-0000000000');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await limited.json()).error.type).toBe('rate_limit_error');
    expect((await complete('beta-key-1111111111')).status).toBe(200);
  });
});

describe('tokens per minute', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ API_KEYS: 'gamma-key-2222222222', RATE_LIMIT_TPM: '50' });
  });
  afterAll(() => server.close());

  test('a key that used its tokens waits for the refill', async () => {
    const body = { model: 'tiny', prompt: 'hello there', max_tokens: 60, temperature: 0 };
    expect((await json(`${server.url}/v1/completions`, body, 'gamma-key-2222222222')).status).toBe(
      200,
    );
    const res = await json(`${server.url}/v1/completions`, body, 'gamma-key-2222222222');
    expect(res.status).toBe(429);
    expect((await res.json()).error.message).toMatch(/50 tokens per minute/);
  });
});

describe('server-side timeout', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startTestServer({ REQUEST_TIMEOUT_SECONDS: '1' });
  });
  afterAll(() => server.close());

  test('a generation running past the timeout is cut and its slot freed', async () => {
    const started = performance.now();
    const res = await json(`${server.url}/v1/completions`, {
      model: 'tiny',
      prompt: 'x',
      max_tokens: 480,
      temperature: 0,
    });
    const body = await res.json();
    const seconds = (performance.now() - started) / 1000;
    expect(res.status).toBe(200);
    expect(body.choices[0].finish_reason).toBe('length');
    expect(body.usage.completion_tokens).toBeLessThan(480);
    expect(seconds).toBeLessThan(3);
    expect(server.lifecycle.scheduler?.running).toBe(0);
  });
});
