import { ValidationError } from '../../../../inference/src/errors';
import {
  Prediction,
  WEBHOOK_EVENTS,
  WebhookSender,
  parseWebhook,
  type WebhookEvent,
} from '../../../../inference/src/api/predictions';
import { startWebhookReceiver } from '../../../helpers/webhook-receiver';

/** Every sender signs; these tests deliver to loopback receivers, which the guard would refuse. */
const base = { secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`, allowPrivate: true };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function newPrediction(id = 'p1'): Prediction {
  return new Prediction({
    id,
    input: { prompt: 'x' },
    model: 'm',
    version: 'v',
    owner: 'anonymous',
    abort: new AbortController(),
    seq: 0,
    promptTokens: 1,
  });
}

/** A fetch that records when each body was sent, answering `statuses` in turn (then 200). */
function recordingFetch(statuses: number[] = []) {
  const sent: { at: number; body: Record<string, unknown> }[] = [];
  let calls = 0;
  const fetch = (async (_url: string, init: RequestInit) => {
    calls++;
    sent.push({ at: performance.now(), body: JSON.parse(init.body as string) });
    return new Response(null, { status: statuses[calls - 1] ?? 200 });
  }) as typeof globalThis.fetch;
  return { fetch, sent, calls: () => calls };
}

const render = (p: Prediction) => ({ id: p.id, status: p.status, output: [...p.output] });
const target = (events: readonly WebhookEvent[] = WEBHOOK_EVENTS) => ({
  url: 'http://127.0.0.1:9/hook',
  events: new Set(events),
  render,
});

test('output webhooks are spaced by the throttle window; start and completed go at once', async () => {
  const { fetch, sent } = recordingFetch();
  const sender = new WebhookSender({ ...base, fetch, throttleMs: 100 });
  const prediction = newPrediction();
  sender.attach(prediction, target());
  prediction.markStarted();
  const started = performance.now();
  while (performance.now() - started < 550) {
    prediction.appendOutput('a');
    await sleep(5);
  }
  prediction.complete('succeeded');
  await sender.drain();
  expect(sent[0].body.status).toBe('processing');
  expect(sent.at(-1)!.body).toMatchObject({ status: 'succeeded' });
  expect((sent.at(-1)!.body.output as string[]).length).toBe(prediction.output.length);
  const updates = sent.slice(1, -1);
  expect(updates.length).toBeGreaterThanOrEqual(3);
  expect(updates.length).toBeLessThanOrEqual(7);
  for (let i = 1; i < updates.length; i++)
    expect(updates[i].at - updates[i - 1].at).toBeGreaterThanOrEqual(95);
});

test('a throttled update is sent at the end of its window, not lost', async () => {
  const { fetch, sent } = recordingFetch();
  const sender = new WebhookSender({ ...base, fetch, throttleMs: 100 });
  const prediction = newPrediction();
  sender.attach(prediction, target(['start', 'output']));
  prediction.markStarted();
  prediction.appendOutput('late');
  expect(sender.pending).toBe(1);
  await sleep(250);
  expect(sent.map((s) => s.body.output)).toEqual([[], ['late']]);
  prediction.complete('succeeded');
  await sender.drain();
  expect(sent).toHaveLength(2);
});

test('webhook_events_filter: only completed', async () => {
  const { fetch, sent } = recordingFetch();
  const sender = new WebhookSender({ ...base, fetch, throttleMs: 50 });
  const prediction = newPrediction();
  sender.attach(prediction, target(['completed']));
  prediction.markStarted();
  prediction.appendOutput('x');
  prediction.appendLogs('log\n');
  prediction.complete('canceled');
  await sender.drain();
  expect(sent.map((s) => s.body.status)).toEqual(['canceled']);
});

test('the completed webhook is retried with backoff until the receiver takes it; drain waits', async () => {
  const receiver = await startWebhookReceiver({ failFirst: 2, failStatus: 503 });
  try {
    const sender = new WebhookSender({ ...base, baseDelayMs: 50 });
    const prediction = newPrediction('retried');
    sender.attach(prediction, { ...target(['completed']), url: receiver.url });
    prediction.complete('succeeded');
    expect(sender.pending).toBe(1);
    const started = performance.now();
    await sender.drain();
    expect(performance.now() - started).toBeGreaterThanOrEqual(25 + 50); // two jittered backoffs
    expect(receiver.attempts).toBe(3);
    expect(receiver.received.map((r) => r.body)).toEqual([
      { id: 'retried', status: 'succeeded', output: [] },
    ]);
    expect(sender.pending).toBe(0);
  } finally {
    await receiver.close();
  }
});

test('a 4xx other than 429 is not retried; giving up is logged without the query string', async () => {
  const { fetch, calls } = recordingFetch([404, 404, 404]);
  const warnings: object[] = [];
  const sender = new WebhookSender({
    ...base,
    fetch,
    baseDelayMs: 1,
    log: { warn: (details) => warnings.push(details) },
  });
  const prediction = newPrediction();
  sender.attach(prediction, { ...target(['completed']), url: 'http://127.0.0.1:9/h?token=s3cret' });
  prediction.complete('failed', { error: 'boom' });
  await sender.drain();
  expect(calls()).toBe(1);
  expect(JSON.stringify(warnings)).toContain('receiver answered 404');
  expect(JSON.stringify(warnings)).not.toContain('s3cret');
});

test('an unreachable receiver is given up after the configured attempts; generation never waits', async () => {
  const sender = new WebhookSender({
    ...base,
    baseDelayMs: 1,
    terminalAttempts: 3,
    timeoutMs: 500,
  });
  const prediction = newPrediction();
  sender.attach(prediction, { ...target(), url: 'http://127.0.0.1:9/closed-port' });
  const started = performance.now();
  prediction.markStarted();
  for (let i = 0; i < 1000; i++) prediction.appendOutput('x');
  prediction.complete('succeeded');
  expect(performance.now() - started).toBeLessThan(200);
  await sender.drain();
  expect(sender.pending).toBe(0);
});

test('parseWebhook: http(s) only, no credentials, known events only', () => {
  expect(parseWebhook(undefined, undefined)).toBeUndefined();
  expect(parseWebhook('https://example.com/h', ['start'])).toMatchObject({
    url: 'https://example.com/h',
    events: new Set(['start']),
  });
  expect(parseWebhook('https://example.com/h', undefined)!.events).toEqual(new Set(WEBHOOK_EVENTS));
  expect(() => parseWebhook('file:///etc/passwd', undefined)).toThrow(ValidationError);
  expect(() => parseWebhook('not a url', undefined)).toThrow(/absolute http\(s\) URL/);
  expect(() => parseWebhook('https://u:p@example.com/', undefined)).toThrow(/credentials/);
  expect(() => parseWebhook('https://example.com/', ['done'])).toThrow(/webhook_events_filter/);
  expect(() => parseWebhook(undefined, 'start')).toThrow(/webhook_events_filter/);
});
