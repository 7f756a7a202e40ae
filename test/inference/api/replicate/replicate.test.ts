import Replicate, { type Prediction } from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import { startTestServer } from '../../../helpers/server';
import { readEvents } from '../../../helpers/sse';
import { startWebhookReceiver, type WebhookReceiver } from '../../../helpers/webhook-receiver';

let server: RunningServer;
let receiver: WebhookReceiver;
let replicate: Replicate;

beforeAll(async () => {
  server = await startTestServer({ WEBHOOK_ALLOW_PRIVATE: 'true' });
  receiver = await startWebhookReceiver();
  // The SDK joins routes onto baseUrl, so it takes the /v1 prefix as api.replicate.com's does.
  replicate = new Replicate({ auth: 'x', baseUrl: `${server.url}/v1`, fetch });
});

afterAll(async () => {
  await server?.close();
  await receiver?.close();
});

const input = { prompt: 'Hello', max_new_tokens: 16, seed: 11, temperature: 0.8 };

async function until(id: string, done: (p: Prediction) => boolean): Promise<Prediction> {
  for (;;) {
    const prediction = await replicate.predictions.get(id);
    if (done(prediction)) return prediction;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the official replicate SDK', () => {
  test('replicate.run returns the output chunks; the same seed over Cog gives the same text', async () => {
    const output = (await replicate.run('acme/tiny', { input })) as string[];
    expect(Array.isArray(output)).toBe(true);
    expect(output.join('').length).toBeGreaterThan(0);
    const cog = await fetch(`${server.url}/predictions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input }),
    });
    expect(((await cog.json()).output as string[]).join('')).toBe(output.join(''));
  });

  test('replicate.stream yields the same text as output events, then done', async () => {
    const events = [];
    for await (const event of replicate.stream('acme/tiny', { input })) events.push(event);
    expect(events.at(-1)).toMatchObject({ event: 'done', data: '{}' });
    const text = events
      .filter((e) => e.event === 'output')
      .map(String)
      .join('');
    const output = (await replicate.run('acme/tiny', { input })) as string[];
    expect(text).toBe(output.join(''));
  });

  test('predictions.create answers 201 at once; wait and get see it succeed with metrics', async () => {
    const created = await replicate.predictions.create({ version: 'v1', input });
    expect(created).toMatchObject({ status: 'starting', version: 'v1', data_removed: false });
    expect(created.urls.get).toBe(`${server.url}/v1/predictions/${created.id}`);
    expect(created.urls.stream).toBe(`${server.url}/v1/predictions/${created.id}/stream`);
    const done = await replicate.wait(created, { interval: 50 });
    expect(done.status).toBe('succeeded');
    const fetched = await replicate.predictions.get(created.id);
    expect(fetched.output).toEqual(done.output);
    expect(fetched.metrics!.predict_time).toBeGreaterThan(0);
    expect((fetched.metrics as { total_time: number }).total_time).toBeGreaterThanOrEqual(
      fetched.metrics!.predict_time!,
    );
    expect(fetched.logs).toMatch(/finish reason: length/);
    expect(Date.parse(fetched.completed_at!)).toBeGreaterThanOrEqual(
      Date.parse(fetched.started_at!),
    );
  });

  test('predictions.cancel stops a running prediction', async () => {
    const created = await replicate.predictions.create({
      model: 'acme/tiny',
      input: { prompt: 'Long', max_new_tokens: 500 },
    });
    await until(created.id, (p) => p.status !== 'starting');
    const canceled = await replicate.predictions.cancel(created.id);
    expect(canceled.status).toBe('canceled');
    expect((canceled.output as string[]).length).toBeLessThan(500);
    expect((await replicate.predictions.get(created.id)).status).toBe('canceled');
  });

  test('a webhook with a filter gets start and completed in Replicate shape', async () => {
    const created = await replicate.predictions.create({
      model: 'acme/tiny',
      input,
      webhook: receiver.url,
      webhook_events_filter: ['start', 'completed'],
    });
    await receiver.waitFor((b) => b.id === created.id && b.status === 'succeeded');
    await server.app.predictions.drainWebhooks();
    const hooks = receiver.received.filter((r) => r.body.id === created.id).map((r) => r.body);
    expect(hooks.map((h) => h.status)).toEqual(['processing', 'succeeded']);
    expect(hooks[1]).toMatchObject({ model: 'acme/tiny', urls: { get: created.urls.get } });
  });

  test('deployments.predictions.create and predictions.list', async () => {
    const created = await replicate.deployments.predictions.create('acme', 'tiny-prod', { input });
    expect(created.status).toBe('starting');
    const page = await replicate.predictions.list();
    expect(page.results[0].id).toBe(created.id);
    const times = page.results.map((p) => Date.parse(p.created_at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    expect(page.next).toBeNull();
  });

  test('errors: unknown id 404, bad input 422, with the reason in detail', async () => {
    await expect(replicate.predictions.get('nope')).rejects.toMatchObject({
      response: { status: 404 },
    });
    const bad = replicate.predictions.create({ version: 'v1', input: { prompt: 'x', top_p: 0 } });
    await expect(bad).rejects.toMatchObject({ response: { status: 422 } });
    await expect(bad).rejects.toThrow(/input\.top_p/);
  });
});

describe('raw HTTP', () => {
  const post = (path: string, body: object, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  test('Prefer: wait=1 returns after a second with the prediction still running', async () => {
    const started = performance.now();
    const response = await post(
      '/v1/models/acme/tiny/predictions',
      { input: { prompt: 'Long', max_new_tokens: 500 } },
      { Prefer: 'wait=1' },
    );
    const elapsed = performance.now() - started;
    expect(response.status).toBe(201);
    const prediction = (await response.json()) as Prediction;
    expect(elapsed).toBeGreaterThanOrEqual(990);
    expect(['starting', 'processing', 'succeeded']).toContain(prediction.status);
    if (prediction.status !== 'succeeded') expect(elapsed).toBeLessThan(5000);
    await replicate.predictions.cancel(prediction.id);
  });

  test('urls follow X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const response = await post(
      '/v1/predictions',
      { version: 'v1', input: { ...input, max_new_tokens: 1 } },
      { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'api.example.com' },
    );
    const { id, urls } = (await response.json()) as Prediction;
    expect(urls.get).toBe(`https://api.example.com/v1/predictions/${id}`);
  });

  test('the stream resumes after Last-Event-ID', async () => {
    const { id } = await replicate.wait(
      await replicate.predictions.create({ version: 'v1', input }),
      { interval: 50 },
    );
    const all = await readEvents(await fetch(`${server.url}/v1/predictions/${id}/stream`));
    expect(all.at(-1)).toMatchObject({ event: 'done', data: '{}' });
    const outputs = all.filter((e) => e.event === 'output');
    expect(outputs.length).toBeGreaterThan(3);
    const resumed = await readEvents(
      await fetch(`${server.url}/v1/predictions/${id}/stream`, {
        headers: { 'Last-Event-ID': outputs[2].id! },
      }),
    );
    expect(resumed.map((e) => e.id)).toEqual(
      all.slice(all.indexOf(outputs[2]) + 1).map((e) => e.id),
    );
  });

  test('bad requests: 422 JSON naming what to fix', async () => {
    const noVersion = await post('/v1/predictions', { input });
    expect(noVersion.status).toBe(422);
    expect((await noVersion.json()).detail).toMatch(/version is required/);
    const badWait = await post('/v1/models/a/b/predictions', { input }, { Prefer: 'wait=0' });
    expect(badWait.status).toBe(422);
    expect((await badWait.json()).detail).toMatch(/wait=N/);
    const badCursor = await fetch(`${server.url}/v1/predictions?cursor=zzz`);
    expect(badCursor.status).toBe(422);
    const badInput = await post('/v1/models/a/b/predictions', { input: 'Hello' });
    expect((await badInput.json()).detail).toMatch(/input must be a JSON object/);
  });
});
