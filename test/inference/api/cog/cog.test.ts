import SwaggerParser from '@apidevtools/swagger-parser';
import type { RunningServer } from '../../../../inference/src/server';
import { startTestServer } from '../../../helpers/server';
import { readEvents } from '../../../helpers/sse';
import { startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver';

let server: RunningServer;
let receiver: WebhookReceiver;

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

interface CogPrediction {
  id: string;
  status: string;
  input: Record<string, unknown>;
  output: string[] | null;
  logs: string;
  error: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  metrics?: { predict_time: number; output_token_count: number };
}

function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  return fetch(`${server.url}${path}`, {
    method,
    headers: { 'Content-Type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

async function predict(input: object, headers: Record<string, string> = {}) {
  const response = await send('POST', '/predictions', { input }, headers);
  return { status: response.status, body: (await response.json()) as CogPrediction };
}

describe('Cog discovery, health and schema', () => {
  test('GET / lists the Cog routes', async () => {
    const body = await (await fetch(`${server.url}/`)).json();
    expect(body).toMatchObject({
      openapi_url: '/openapi.json',
      healthcheck_url: '/health-check',
      predictions_url: '/predictions',
      predictions_idempotent_url: '/predictions/{prediction_id}',
      predictions_cancel_url: '/predictions/{prediction_id}/cancel',
      shutdown_url: '/shutdown',
    });
  });

  test('GET /health-check is READY with the setup record', async () => {
    const response = await fetch(`${server.url}/health-check`);
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.status).toBe('READY');
    expect(body.setup.status).toBe('succeeded');
    expect(Date.parse(body.setup.completed_at)).toBeGreaterThanOrEqual(
      Date.parse(body.setup.started_at),
    );
    expect(body.setup.logs).toMatch(/loaded .*warm-up/);
  });

  test('GET /openapi.json is valid OpenAPI with Input from the zod schema and iterator Output', async () => {
    const document = await (await fetch(`${server.url}/openapi.json`)).json();
    await SwaggerParser.validate(structuredClone(document));
    const { Input, Output } = document.components.schemas;
    expect(Object.keys(Input.properties)).toEqual(
      expect.arrayContaining(['prompt', 'pregunta', 'max_new_tokens', 'temperature', 'top_p']),
    );
    expect(Input.properties.temperature).toMatchObject({ default: 0.7, minimum: 0, maximum: 5 });
    expect(Input.properties.max_new_tokens).toMatchObject({ default: 128, maximum: 2048 });
    expect(Input.properties.pregunta['x-order']).toBe(1);
    expect(Output).toMatchObject({
      type: 'array',
      items: { type: 'string' },
      'x-cog-array-type': 'iterator',
      'x-cog-array-display': 'concatenate',
    });
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/predictions', '/predictions/{prediction_id}/cancel']),
    );
  });
});

describe('POST /predictions', () => {
  test('sync: 200 with the finished prediction; the same seed gives the same chunks', async () => {
    const input = { pregunta: 'Hola', max_new_tokens: 12, seed: 7, temperature: 0.9 };
    const first = await predict(input);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'succeeded', input, error: null });
    expect(first.body.output!.length).toBeGreaterThan(0);
    expect(first.body.output!.every((chunk) => typeof chunk === 'string')).toBe(true);
    expect(first.body.metrics!.predict_time).toBeGreaterThan(0);
    expect(first.body.metrics!.output_token_count).toBeLessThanOrEqual(12);
    expect(first.body.logs).toMatch(/generated \d+ tokens/);
    const second = await predict(input);
    expect(second.body.output!.join('')).toBe(first.body.output!.join(''));
    expect(second.body.id).not.toBe(first.body.id);
  });

  test("bad input: 422 with FastAPI's detail list, each problem located", async () => {
    const tooHot = await predict({ prompt: 'x', temperature: 9 });
    expect(tooHot.status).toBe(422);
    expect(tooHot.body).toEqual({
      detail: [
        {
          loc: ['body', 'input', 'temperature'],
          msg: 'Input should be less than or equal to 5',
          type: 'less_than_equal',
        },
      ],
    });
    const noPrompt = await predict({ max_new_tokens: 3 });
    expect(noPrompt.status).toBe(422);
    expect(noPrompt.body).toMatchObject({
      detail: [
        { loc: ['body', 'input', 'prompt'], msg: expect.stringContaining('prompt is required') },
      ],
    });
    const badWebhook = await send('POST', '/predictions', {
      input: { prompt: 'x' },
      webhook: 'ftp://example.com',
    });
    expect(badWebhook.status).toBe(422);
    expect((await badWebhook.json()).detail).toMatchObject([{ loc: ['body', 'webhook'] }]);
    const notJson = await fetch(`${server.url}/predictions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"input":',
    });
    expect(notJson.status).toBe(422);
    expect((await notJson.json()).detail).toEqual([
      { loc: ['body', 9], msg: 'JSON decode error', type: 'json_invalid' },
    ]);
  });

  test('Prefer: respond-async: 202 at once, then start, throttled output and completed webhooks', async () => {
    const response = await send(
      'POST',
      '/predictions',
      { input: { prompt: 'Once', max_new_tokens: 120, seed: 3 }, webhook: receiver.url },
      { Prefer: 'respond-async' },
    );
    expect(response.status).toBe(202);
    const accepted = (await response.json()) as CogPrediction;
    expect(accepted.status).toBe('starting');
    const mine = (b: Record<string, unknown>) => b.id === accepted.id;
    await receiver.waitFor((b) => mine(b) && b.status === 'succeeded');
    const hooks = receiver.received.filter((r) => mine(r.body));
    const statuses = hooks.map((h) => h.body.status);
    expect(statuses[0]).toBe('processing');
    expect(statuses.at(-1)).toBe('succeeded');
    expect(statuses.filter((s) => s === 'succeeded')).toHaveLength(1);
    const final = (hooks.at(-1)!.body.output as string[]).join('');
    const intermediate = hooks.slice(1, -1);
    expect(intermediate.length).toBeGreaterThan(0);
    for (const hook of intermediate) {
      expect(hook.body.status).toBe('processing');
      expect(final.startsWith(((hook.body.output as string[] | null) ?? []).join(''))).toBe(true);
    }
    // 120 chunks, but output/logs webhooks at most one per 500 ms of generation (the exact
    // spacing is checked in test/inference/api/predictions/webhooks.test.ts).
    const last = hooks.at(-1)!.body as unknown as CogPrediction;
    const generatingMs = Date.parse(last.completed_at!) - Date.parse(last.started_at!);
    expect(intermediate.length).toBeLessThanOrEqual(Math.ceil(generatingMs / 500) + 1);
  });

  test('webhook_events_filter: only the events asked for', async () => {
    const response = await send(
      'POST',
      '/predictions',
      {
        input: { prompt: 'Filter', max_new_tokens: 20, seed: 4 },
        webhook: receiver.url,
        webhook_events_filter: ['completed'],
      },
      { Prefer: 'respond-async' },
    );
    const { id } = (await response.json()) as CogPrediction;
    await receiver.waitFor((b) => b.id === id && b.status === 'succeeded');
    await server.app.predictions.drainWebhooks();
    const hooks = receiver.received.filter((r) => r.body.id === id);
    expect(hooks.map((h) => h.body.status)).toEqual(['succeeded']);
  });

  test('Accept: text/event-stream: start, output {chunk, index}, completed', async () => {
    const response = await send(
      'POST',
      '/predictions',
      { input: { prompt: 'Stream', max_new_tokens: 20, seed: 5 } },
      { Accept: 'text/event-stream' },
    );
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    expect(events[0].event).toBe('start');
    expect(events.at(-1)!.event).toBe('completed');
    const outputs = events.filter((e) => e.event === 'output').map((e) => JSON.parse(e.data));
    expect(outputs.map((o) => o.index)).toEqual(outputs.map((_, i) => i));
    const completed = JSON.parse(events.at(-1)!.data) as CogPrediction;
    expect(completed.status).toBe('succeeded');
    expect(completed.output!.join('')).toBe(outputs.map((o) => o.chunk).join(''));
    expect(events.some((e) => e.event === 'log')).toBe(true);
  });
});

describe('PUT /predictions/{id} and cancel', () => {
  test('a retry with the same id reattaches (async, then sync, then SSE replay)', async () => {
    const id = `retry-${Date.now()}`;
    const body = { input: { prompt: 'Again', max_new_tokens: 60, seed: 9 } };
    const first = await send('PUT', `/predictions/${id}`, body, { Prefer: 'respond-async' });
    expect(first.status).toBe(202);
    const started = (await first.json()) as CogPrediction;
    const again = await send('PUT', `/predictions/${id}`, body, { Prefer: 'respond-async' });
    expect(again.status).toBe(202);
    expect(((await again.json()) as CogPrediction).created_at).toBe(started.created_at);
    const sync = await send('PUT', `/predictions/${id}`, body);
    expect(sync.status).toBe(200);
    const done = (await sync.json()) as CogPrediction;
    expect(done).toMatchObject({ id, status: 'succeeded', created_at: started.created_at });
    const replay = await readEvents(
      await send('PUT', `/predictions/${id}`, body, { Accept: 'text/event-stream' }),
    );
    const chunks = replay.filter((e) => e.event === 'output').map((e) => JSON.parse(e.data).chunk);
    expect(chunks.join('')).toBe(done.output!.join(''));
  });

  test('a body id that differs from the path is rejected', async () => {
    const response = await send('PUT', '/predictions/abc', { id: 'xyz', input: { prompt: 'x' } });
    expect(response.status).toBe(422);
    expect((await response.json()).detail).toMatchObject([
      {
        loc: ['body', 'id'],
        msg: expect.stringMatching(/must match the prediction id in the URL/),
      },
    ]);
  });

  test('cancel: 200, the prediction ends canceled; unknown id: 404', async () => {
    const id = `cancel-${Date.now()}`;
    const created = await send(
      'PUT',
      `/predictions/${id}`,
      { input: { prompt: 'Long', max_new_tokens: 500 }, webhook: receiver.url },
      { Prefer: 'respond-async' },
    );
    expect(created.status).toBe(202);
    await receiver.waitFor((b) => b.id === id && b.status === 'processing');
    const cancel = await send('POST', `/predictions/${id}/cancel`);
    expect(cancel.status).toBe(200);
    await receiver.waitFor((b) => b.id === id && b.status === 'canceled');
    const final = receiver.received.filter((r) => r.body.id === id).at(-1)!.body;
    expect((final.output as string[]).length).toBeLessThan(500);
    const unknown = await send('POST', '/predictions/nope/cancel');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ detail: expect.stringContaining('nope') });
  });
});
