import { createParser } from 'eventsource-parser';
import { startChildServer } from '../../helpers/child-server';

/** Reads an OpenAI stream to its end; resolves with its data payloads and when the first arrived. */
async function readStream(res: Response, onFirst: () => void): Promise<string[]> {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  const decoder = new TextDecoder();
  let first = true;
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    parser.feed(decoder.decode(chunk, { stream: true }));
    if (first && data.length > 1) {
      first = false;
      onFirst();
    }
  }
  return data;
}

test('SIGTERM during eight streamed requests: all finish with [DONE], new requests get 503, exit 0', async () => {
  const server = await startChildServer({ MAX_CONCURRENT: '8', SHUTDOWN_GRACE_SECONDS: '60' });
  const body = JSON.stringify({
    model: 'tiny',
    prompt: 'Once',
    max_tokens: 60,
    temperature: 0,
    stream: true,
  });
  let started = 0;
  let allStarted!: () => void;
  const streaming = new Promise<void>((res) => (allStarted = res));
  const streams = Array.from({ length: 8 }, async () => {
    const res = await fetch(`${server.url}/v1/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    expect(res.status).toBe(200);
    return readStream(res, () => ++started === 8 && allStarted());
  });
  await streaming;
  server.process.kill('SIGTERM');
  while (!server.logs().includes('SIGTERM: draining')) await new Promise((r) => setTimeout(r, 10));

  const ready = await fetch(`${server.url}/readyz`);
  expect(ready.status).toBe(503);
  const late = await fetch(`${server.url}/v1/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body,
  });
  expect(late.status).toBe(503);
  expect(late.headers.get('retry-after')).toBeTruthy();
  expect((await late.json()).error.code).toBe('shutting_down');

  const results = await Promise.all(streams);
  for (const data of results) {
    expect(data[data.length - 1]).toBe('[DONE]');
    const finish = data
      .slice(0, -1)
      .map((d) => JSON.parse(d).choices[0]?.finish_reason)
      .filter(Boolean);
    expect(finish).toEqual(['length']);
  }
  expect(await server.exited).toBe(0);
}, 120_000);
