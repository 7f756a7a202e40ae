import type { TransformersBackend } from '../../../inference/src/engine';
import { Overloaded, ValidationError } from '../../../inference/src/errors';
import { Scheduler } from '../../../inference/src/scheduler';
import { collect, loadLocalModel, textRequest } from '../../helpers/engine';

const PROMPT = 'Dime un producto de limpieza que blanquee la ropa';

let backend: TransformersBackend;
beforeAll(async () => (backend = await loadLocalModel()));
afterAll(() => backend.dispose());

describe('Scheduler on the tiny model', () => {
  test('runs a request and frees its slot when the stream ends', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 });
    const { promptTokens, events } = await scheduler.submit(
      textRequest(PROMPT, { maxNewTokens: 4 }),
    );
    expect(scheduler.running).toBe(1);
    const result = await collect(events);
    expect(result.usage).toEqual({ promptTokens, completionTokens: 4 });
    expect(scheduler.running).toBe(0);
  });

  test('rejects beyond capacity with Overloaded before any work', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 1 });
    const first = await scheduler.submit(textRequest(PROMPT, { maxNewTokens: 3 }));
    const second = await scheduler.submit(textRequest(PROMPT, { maxNewTokens: 3 }));
    await expect(scheduler.submit(textRequest(PROMPT))).rejects.toThrow(Overloaded);
    await collect(first.events);
    await collect(second.events);
    expect([scheduler.running, scheduler.waiting]).toEqual([0, 0]);
  });

  test('a caller that never reads its events gives the slot back when its signal aborts', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 });
    const controller = new AbortController();
    await scheduler.submit(textRequest(PROMPT, { signal: controller.signal }));
    expect(scheduler.running).toBe(1);
    controller.abort();
    expect(scheduler.running).toBe(0);
    await expect(scheduler.submit(textRequest(PROMPT))).resolves.toBeDefined();
  });

  test('a ValidationError takes no slot', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 });
    await expect(scheduler.submit(textRequest(''))).rejects.toThrow(ValidationError);
    expect(scheduler.running).toBe(0);
  });

  test('an abort while queued ends that stream with reason abort and no tokens', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 1 });
    const running = await scheduler.submit(textRequest(PROMPT, { maxNewTokens: 6 }));
    const controller = new AbortController();
    const queued = await scheduler.submit(
      textRequest(PROMPT, { maxNewTokens: 6, signal: controller.signal }),
    );
    controller.abort();
    expect(scheduler.waiting).toBe(0);
    const aborted = await collect(queued.events);
    expect(aborted).toMatchObject({ text: '', reason: 'abort', usage: { completionTokens: 0 } });
    expect((await collect(running.events)).usage.completionTokens).toBe(6);
  });

  test('a consumer that stops reading early frees the slot', async () => {
    const scheduler = new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 });
    const { events } = await scheduler.submit(textRequest(PROMPT, { maxNewTokens: 50 }));
    for await (const event of events) if (event.type === 'text') break;
    expect(scheduler.running).toBe(0);
    await expect(scheduler.submit(textRequest(PROMPT, { maxNewTokens: 1 }))).resolves.toBeDefined();
  });

  test('reports start, first text, later texts and finish to its observer', async () => {
    const seen: string[] = [];
    const scheduler = new Scheduler(backend, {
      maxConcurrent: 1,
      maxQueue: 0,
      observer: {
        onStart: (queueSeconds) => seen.push(`start ${queueSeconds >= 0}`),
        onFirstText: (seconds) => seen.push(`first ${seconds > 0}`),
        onNextText: () => seen.push('next'),
        onFinish: (usage, reason) => seen.push(`finish ${reason} ${usage.completionTokens}`),
      },
    });
    const result = await collect(
      (await scheduler.submit(textRequest(PROMPT, { maxNewTokens: 3 }))).events,
    );
    expect(seen[0]).toBe('start true');
    expect(seen[1]).toBe('first true');
    expect(seen.filter((s) => s === 'next')).toHaveLength(result.deltas.length - 1);
    expect(seen.at(-1)).toBe('finish length 3');
  });
});
