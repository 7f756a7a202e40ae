import { request } from 'node:http';
import type { RunningServer } from '../../../inference/src/server';
import { startTestServer } from '../../helpers/server';
import type { BadCase } from './bad-input/cases';
import { openAICases } from './bad-input/openai-cases';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ BODY_TIMEOUT_SECONDS: '1' });
});
afterAll(() => server.close());

const cases: BadCase[] = [...openAICases()];

async function send(
  c: BadCase,
): Promise<{ status: number; contentType: string | null; text: string }> {
  const body =
    c.body === undefined || typeof c.body === 'string' || c.body instanceof Uint8Array
      ? c.body
      : JSON.stringify(c.body);
  const res = await fetch(`${server.url}${c.path}`, {
    method: c.method,
    headers: c.headers,
    body: body as BodyInit | undefined,
  });
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    text: await res.text(),
  };
}

test('the suite is large and its cases distinct', () => {
  expect(cases.length).toBeGreaterThanOrEqual(150);
  const keys = cases.map(
    (c) =>
      `${c.method} ${c.path} ${typeof c.body === 'object' && !(c.body instanceof Uint8Array) ? JSON.stringify(c.body) : String(c.body)} ${JSON.stringify(c.headers)}`,
  );
  expect(new Set(keys).size).toBe(cases.length);
});

test.each(cases.map((c) => [`${c.method} ${c.path.slice(0, 40)}: ${c.name}`, c] as const))(
  '%s -> 4xx with a JSON error',
  async (_name, c) => {
    const { status, contentType, text } = await send(c);
    expect(status).toBeGreaterThanOrEqual(400);
    expect(status).toBeLessThan(500);
    expect(contentType).toMatch(/^application\/json/);
    const body = JSON.parse(text);
    expect(typeof (body.error?.message ?? body.detail)).toBe('string');
    expect(text).not.toMatch(/at \w+ \(|node_modules|\.ts:\d+/); // no stack trace
  },
);

test('a body that trickles in too slowly gets 408 with a JSON error', async () => {
  const result = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = request(
      `${server.url}/v1/completions`,
      { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '100' } },
      (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write('{"model": "ti'); // and never the rest
  });
  expect(result.status).toBe(408);
  expect(JSON.parse(result.body).error.message).toMatch(/did not arrive/);
});

test('the server still answers a normal request afterwards', async () => {
  const res = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: 'still there?', max_tokens: 3 }),
  });
  expect(res.status).toBe(200);
  expect((await res.json()).choices[0].text.length).toBeGreaterThan(0);
});
