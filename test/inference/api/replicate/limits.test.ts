import Replicate, { type Prediction } from 'replicate';
import type { RunningServer } from '../../../../inference/src/server';
import { startTestServer } from '../../../helpers/server';
import { readEvents } from '../../../helpers/sse';

const KEYS = ['alice-key-aaaaaaaaaaaaaaaa', 'bob-key-bbbbbbbbbbbbbbbbbbbb'];
let server: RunningServer;
let replicate: Replicate;
let otherAccount: Replicate;

beforeAll(async () => {
  server = await startTestServer({
    MAX_STORED_PREDICTIONS: '3',
    REQUEST_TIMEOUT_SECONDS: '1',
    API_KEYS: KEYS.join(','),
  });
  replicate = new Replicate({ auth: KEYS[0], baseUrl: `${server.url}/v1`, fetch });
  otherAccount = new Replicate({ auth: KEYS[1], baseUrl: `${server.url}/v1`, fetch });
});

afterAll(() => server?.close());

test('the store keeps at most MAX_STORED_PREDICTIONS finished predictions, across both APIs', async () => {
  const ids: string[] = [];
  for (let i = 0; i < 12; i++) {
    const input = { prompt: `n${i}`, max_new_tokens: 2 };
    if (i % 3 === 0) {
      const response = await fetch(`${server.url}/predictions`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEYS[0]}` },
        body: JSON.stringify({ input }),
      });
      ids.push((await response.json()).id);
    } else {
      const prediction = await replicate.predictions.create({ model: 'a/b', input, wait: 60 });
      expect(prediction.status).toBe('succeeded');
      ids.push(prediction.id);
    }
  }
  const page = await replicate.predictions.list();
  expect(page.results.map((p) => p.id)).toEqual(ids.slice(-3).reverse());
  await expect(replicate.predictions.get(ids[0])).rejects.toMatchObject({
    response: { status: 404 },
  });
  expect((await replicate.predictions.get(ids[11])).status).toBe('succeeded');
});

test('a generation cut off by REQUEST_TIMEOUT_SECONDS fails; its stream says error, then done', async () => {
  const created = await replicate.predictions.create({
    model: 'a/b',
    input: { prompt: 'Long', max_new_tokens: 500 },
  });
  await expect(replicate.wait(created, { interval: 100 })).rejects.toThrow(/time limit/);
  const failed = (await replicate.predictions.get(created.id)) as Prediction;
  expect(failed.status).toBe('failed');
  expect((failed.output as string[]).length).toBeLessThan(500);
  const events = await readEvents(
    await fetch(created.urls.stream!, { headers: { Authorization: `Bearer ${KEYS[0]}` } }),
  );
  expect(events.slice(-2).map((e) => e.event)).toEqual(['error', 'done']);
  expect(JSON.parse(events.at(-2)!.data).detail).toMatch(/time limit/);
  expect(JSON.parse(events.at(-1)!.data)).toEqual({ reason: 'error' });
});

test('an API key sees, cancels and reuses the ids of its own predictions only', async () => {
  const mine = await replicate.predictions.create({ model: 'a/b', input: { prompt: 'x' } });
  await expect(otherAccount.predictions.get(mine.id)).rejects.toMatchObject({
    response: { status: 404 },
  });
  await expect(otherAccount.predictions.cancel(mine.id)).rejects.toMatchObject({
    response: { status: 404 },
  });
  expect((await otherAccount.predictions.list()).results).toEqual([]);
  expect((await replicate.predictions.list()).results[0].id).toBe(mine.id);
  const reuse = await fetch(`${server.url}/predictions/${mine.id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${KEYS[1]}` },
    body: JSON.stringify({ input: { prompt: 'x' } }),
  });
  expect(reuse.status).toBe(422);
  expect((await reuse.json()).detail).toEqual([
    { loc: ['path', 'prediction_id'], msg: expect.stringMatching(/is taken/), type: 'value_error' },
  ]);
});
