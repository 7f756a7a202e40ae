import { request } from 'node:http';
import type { RunningServer } from '../../../inference/src/server';
import { startTestServer } from '../../helpers/server';

let server: RunningServer;
beforeAll(async () => {
  server = await startTestServer({ MAX_CONCURRENT: '1', MAX_QUEUE: '0' });
});
afterAll(() => server.close());

/** Pieces of text the server has generated so far, counted as they are produced (not as sent). */
async function generated(): Promise<number> {
  const { values } = await server.metrics.interTokenLatency.get();
  return values.find((v) => v.metricName?.endsWith('_count'))?.value ?? 0;
}

test('a client that disconnects mid-stream cancels its generation and frees its slot within one token', async () => {
  // Observe the server's side of the connection: the count when the server sees it close.
  let atServerClose = -1;
  const seen = new Promise<void>((done) =>
    server.app.server.once('connection', (socket) =>
      socket.once('close', async () => {
        atServerClose = await generated();
        done();
      }),
    ),
  );
  const body = JSON.stringify({
    model: 'tiny',
    prompt: 'Go on',
    max_tokens: 480,
    temperature: 0,
    stream: true,
  });
  const req = request(
    `${server.url}/v1/completions`,
    { method: 'POST', headers: { 'content-type': 'application/json' } },
    (res) => {
      let chunks = 0;
      res.on('data', () => {
        if (++chunks === 20) req.destroy(); // the client goes away
      });
    },
  );
  req.on('error', () => undefined);
  req.end(body);
  await seen;
  while ((server.lifecycle.scheduler?.running ?? 1) > 0) await new Promise((r) => setTimeout(r, 1));
  const afterClose = (await generated()) - atServerClose;
  // The forward pass in flight when the socket closes may finish; the loop checks before the next.
  expect(afterClose).toBeLessThanOrEqual(1);
  expect(atServerClose).toBeLessThan(100);
  const next = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'tiny', prompt: 'Next', max_tokens: 2 }),
  });
  expect(next.status).toBe(200);
});
