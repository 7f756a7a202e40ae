import { Overloaded } from '../../../inference/src/errors';
import { AdmissionQueue, type Reservation } from '../../../inference/src/scheduler';

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Records the order in which reservations are granted. */
function track(reservations: Record<string, Reservation>): string[] {
  const order: string[] = [];
  for (const [name, r] of Object.entries(reservations)) {
    r.granted.then(
      () => order.push(name),
      () => order.push(`${name}:rejected`),
    );
  }
  return order;
}

describe('AdmissionQueue', () => {
  test('grants up to maxConcurrent at once, then first come first served', async () => {
    const queue = new AdmissionQueue(2, 10);
    const r = {
      a: queue.reserve(),
      b: queue.reserve(),
      c: queue.reserve(),
      d: queue.reserve(),
      e: queue.reserve(),
    };
    const order = track(r);
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect([queue.running, queue.waiting]).toEqual([2, 3]);
    r.b.release();
    await settle();
    expect(order).toEqual(['a', 'b', 'c']);
    r.a.release();
    r.c.release();
    await settle();
    expect(order).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect([queue.running, queue.waiting]).toEqual([2, 0]);
  });

  test('a freed slot goes to the first waiter; a newcomer queues behind', async () => {
    const queue = new AdmissionQueue(1, 5);
    const first = queue.reserve();
    const second = queue.reserve();
    const order = track({ first, second });
    first.release();
    const third = queue.reserve();
    await settle();
    expect(order).toEqual(['first', 'second']);
    expect(queue.waiting).toBe(1);
    second.release();
    await expect(third.granted).resolves.toBeGreaterThanOrEqual(0);
  });

  test('beyond maxQueue waiting, reserve throws Overloaded at once with the retry hint', () => {
    const queue = new AdmissionQueue(1, 2, 3);
    queue.reserve();
    queue.reserve();
    queue.reserve();
    let error: unknown;
    try {
      queue.reserve();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Overloaded);
    expect((error as Overloaded).retryAfterSeconds).toBe(3);
    expect((error as Overloaded).message).toMatch(/1 generating, 2 queued/);
    expect([queue.running, queue.waiting]).toEqual([1, 2]);
  });

  test('maxQueue 0 admits only while a slot is free', () => {
    const queue = new AdmissionQueue(1, 0);
    const held = queue.reserve();
    expect(() => queue.reserve()).toThrow(Overloaded);
    held.release();
    expect(() => queue.reserve()).not.toThrow();
  });

  test('an abort while queued rejects that reservation and frees its place', async () => {
    const queue = new AdmissionQueue(1, 1);
    const running = queue.reserve();
    const controller = new AbortController();
    const queued = queue.reserve(controller.signal);
    expect(() => queue.reserve()).toThrow(Overloaded);
    controller.abort();
    await expect(queued.granted).rejects.toMatchObject({ name: 'AbortError' });
    expect(queue.waiting).toBe(0);
    const next = queue.reserve();
    running.release();
    await expect(next.granted).resolves.toBeGreaterThanOrEqual(0);
    expect(queue.running).toBe(1);
  });

  test('a signal aborted before reserve takes no queue place', async () => {
    const queue = new AdmissionQueue(1, 1);
    queue.reserve();
    const queued = queue.reserve(AbortSignal.abort());
    expect(queue.waiting).toBe(0);
    expect(() => queue.reserve()).not.toThrow();
    await expect(queued.granted).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('an abort after the slot was granted changes nothing until release', async () => {
    const queue = new AdmissionQueue(1, 1);
    const controller = new AbortController();
    const held = queue.reserve(controller.signal);
    await held.granted;
    controller.abort();
    expect(queue.running).toBe(1);
    held.release();
    expect(queue.running).toBe(0);
  });

  test('release is idempotent: a double release frees one slot, not two', async () => {
    const queue = new AdmissionQueue(1, 5);
    const a = queue.reserve();
    const b = queue.reserve();
    const c = queue.reserve();
    const order = track({ a, b, c });
    a.release();
    a.release();
    await settle();
    expect(order).toEqual(['a', 'b']);
    expect([queue.running, queue.waiting]).toEqual([1, 1]);
    // Releasing a queued reservation twice removes it once and leaves the others be.
    c.release();
    c.release();
    await settle();
    expect(order).toEqual(['a', 'b', 'c:rejected']);
    expect([queue.running, queue.waiting]).toEqual([1, 0]);
  });

  test('granted resolves with the seconds spent queued', async () => {
    const queue = new AdmissionQueue(1, 1);
    const first = queue.reserve();
    const second = queue.reserve();
    await new Promise((resolve) => setTimeout(resolve, 50));
    first.release();
    expect(await first.granted).toBeLessThan(0.04);
    expect(await second.granted).toBeGreaterThanOrEqual(0.04);
  });
});
