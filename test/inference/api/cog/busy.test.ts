import type { RunningServer } from '../../../../inference/src/server';
import { startTestServer } from '../../../helpers/server';

let server: RunningServer;

beforeAll(async () => {
  server = await startTestServer({ MAX_CONCURRENT: '1', MAX_QUEUE: '0' });
});

afterAll(() => server?.close());

const send = (method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body && JSON.stringify(body),
  });

const health = async () => (await (await fetch(`${server.url}/health-check`)).json()).status;

test('every slot taken: 409 with a reason, health-check BUSY; READY again once it ends', async () => {
  const long = await send(
    'PUT',
    '/predictions/long-one',
    { input: { prompt: 'Long', max_new_tokens: 500 } },
    { Prefer: 'respond-async' },
  );
  expect(long.status).toBe(202);
  expect(await health()).toBe('BUSY');
  const refused = await send('POST', '/predictions', { input: { prompt: 'Hi' } });
  expect(refused.status).toBe(409);
  expect(refused.headers.get('retry-after')).toBeTruthy();
  expect((await refused.json()).detail).toMatch(/at capacity/);
  // The Replicate routes of the same server answer 429, as Replicate's clients expect.
  const replicate = await send('POST', '/v1/models/a/b/predictions', { input: { prompt: 'Hi' } });
  expect(replicate.status).toBe(429);
  expect((await send('POST', '/predictions/long-one/cancel')).status).toBe(200);
  const done = await send('PUT', '/predictions/long-one', { input: { prompt: 'Long' } });
  expect((await done.json()).status).toBe('canceled');
  expect(await health()).toBe('READY');
  expect(
    (await send('POST', '/predictions', { input: { prompt: 'Hi', max_new_tokens: 2 } })).status,
  ).toBe(200);
});

test('POST /shutdown starts draining: BUSY, /readyz 503, new predictions 503', async () => {
  const response = await send('POST', '/shutdown');
  expect(response.status).toBe(200);
  expect(server.lifecycle.state).toBe('DRAINING');
  expect(await health()).toBe('BUSY');
  expect((await fetch(`${server.url}/readyz`)).status).toBe(503);
  const refused = await send('POST', '/predictions', { input: { prompt: 'Hi' } });
  expect(refused.status).toBe(503);
  expect((await refused.json()).title).toBe('shutting_down');
});
