import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createParser } from 'eventsource-parser';
import { startChildServer } from '../../helpers/child-server';

const post = (url: string, body: object, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

/** Events of a Replicate stream, resolving once the first output arrived and again at the end. */
function readReplicateStream(
  res: Response,
  onFirstOutput: () => void,
): Promise<{ event: string; data: string }[]> {
  const events: { event: string; data: string }[] = [];
  const parser = createParser({
    onEvent: (e) => {
      events.push({ event: e.event ?? 'message', data: e.data });
      if (e.event === 'output' && events.filter((x) => x.event === 'output').length === 1)
        onFirstOutput();
    },
  });
  return (async () => {
    const decoder = new TextDecoder();
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>)
      parser.feed(decoder.decode(chunk, { stream: true }));
    return events;
  })();
}

test('SIGTERM during Replicate streams and a pending webhook: streams end with done, the webhook arrives, exit 0', async () => {
  const received: string[] = [];
  const receiver = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body).status);
      setTimeout(() => res.end('ok'), 300); // a slow receiver: the drain must wait for it
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const webhook = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  const server = await startChildServer({
    MAX_CONCURRENT: '6',
    SHUTDOWN_GRACE_SECONDS: '60',
    WEBHOOK_ALLOW_PRIVATE: 'true',
  });
  try {
    let firsts = 0;
    let allStreaming!: () => void;
    const streaming = new Promise<void>((r) => (allStreaming = r));
    const streams = Array.from({ length: 4 }, async () => {
      const created = await post(`${server.url}/v1/predictions`, {
        version: 'tiny',
        input: { prompt: 'Once', max_new_tokens: 60, temperature: 0 },
        stream: true,
      });
      expect(created.status).toBe(201);
      const prediction = await created.json();
      const res = await fetch(prediction.urls.stream, { headers: { accept: 'text/event-stream' } });
      return readReplicateStream(res, () => ++firsts === 4 && allStreaming());
    });
    const asyncCreated = await post(`${server.url}/v1/predictions`, {
      version: 'tiny',
      input: { prompt: 'Webhook me', max_new_tokens: 40 },
      webhook,
      webhook_events_filter: ['completed'],
    });
    expect(asyncCreated.status).toBe(201);
    await streaming;
    server.process.kill('SIGTERM');
    while (!server.logs().includes('SIGTERM: draining'))
      await new Promise((r) => setTimeout(r, 10));
    expect(
      (await post(`${server.url}/v1/predictions`, { version: 'tiny', input: { prompt: 'late' } }))
        .status,
    ).toBe(503);
    const results = await Promise.all(streams);
    for (const events of results) {
      expect(events[events.length - 1]).toEqual({ event: 'done', data: '{}' });
      expect(events.filter((e) => e.event === 'output').length).toBeGreaterThan(1);
    }
    expect(await server.exited).toBe(0);
    expect(received).toEqual(['succeeded']);
  } finally {
    server.process.kill('SIGKILL');
    receiver.close();
  }
}, 120_000);

test("Cog's POST /shutdown drains and exits 0", async () => {
  const server = await startChildServer();
  try {
    expect((await post(`${server.url}/shutdown`, {})).status).toBe(200);
    expect(await server.exited).toBe(0);
    expect(server.logs()).toContain('shutdown requested: draining');
  } finally {
    server.process.kill('SIGKILL');
  }
}, 60_000);
