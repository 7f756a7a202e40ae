import { ValidationError } from '../../../../inference/src/errors';
import { Prediction, PredictionStore } from '../../../../inference/src/api/predictions';

let seq = 0;
function newPrediction(done = true): Prediction {
  const prediction = new Prediction({
    id: `p${seq}`,
    input: {},
    model: 'm',
    version: 'v',
    owner: seq % 2 === 0 ? 'alice' : 'bob',
    abort: new AbortController(),
    seq: seq++,
    promptTokens: 1,
  });
  if (done) prediction.complete('succeeded');
  return prediction;
}

beforeEach(() => (seq = 0));

test('beyond maxStored the oldest finished predictions go; running ones stay', () => {
  const store = new PredictionStore({ ttlSeconds: 600, maxStored: 3 });
  const running = newPrediction(false);
  store.add(running);
  const finished = Array.from({ length: 5 }, () => newPrediction());
  for (const p of finished) store.add(p);
  expect(store.size).toBe(4);
  expect(store.get(running.id)).toBe(running);
  expect(store.get(finished[0].id)).toBeUndefined();
  expect(store.get(finished[1].id)).toBeUndefined();
  expect(finished.slice(2).every((p) => store.get(p.id) === p)).toBe(true);
  running.complete('canceled');
  store.add(newPrediction());
  expect(store.get(running.id)).toBeUndefined();
  expect(store.size).toBe(3);
});

test('finished predictions expire ttlSeconds after they complete', () => {
  let now = Date.now();
  const store = new PredictionStore({ ttlSeconds: 10, maxStored: 100, now: () => now });
  const old = newPrediction();
  const running = newPrediction(false);
  store.add(old);
  store.add(running);
  now += 10_001;
  expect(store.get(old.id)).toBeUndefined();
  expect(store.get(running.id)).toBe(running);
  store.evict();
  expect(store.size).toBe(1);
});

test("pages hold one owner's predictions, newest first, with cursors that walk both ways", () => {
  const store = new PredictionStore({ ttlSeconds: 600, maxStored: 100, pageSize: 2 });
  for (let i = 0; i < 10; i++) store.add(newPrediction()); // alice: p0 p2 ... p8, bob: p1 ... p9
  const ids = (page: { results: Prediction[] }) => page.results.map((p) => p.id);
  const first = store.page('alice');
  expect(ids(first)).toEqual(['p8', 'p6']);
  expect(first.previous).toBeNull();
  const second = store.page('alice', first.next!);
  expect(ids(second)).toEqual(['p4', 'p2']);
  const third = store.page('alice', second.next!);
  expect(ids(third)).toEqual(['p0']);
  expect(third.next).toBeNull();
  expect(ids(store.page('alice', third.previous!))).toEqual(['p4', 'p2']);
  expect(ids(store.page('alice', second.previous!))).toEqual(['p8', 'p6']);
  expect(store.page('alice', second.previous!).previous).toBeNull();
  expect(ids(store.page('bob'))).toEqual(['p9', 'p7']);
  expect(store.page('carol').results).toEqual([]);
  expect(() => store.page('alice', 'bogus')).toThrow(ValidationError);
});
