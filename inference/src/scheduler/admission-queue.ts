import { Overloaded } from '../errors';

export interface Reservation {
  /** Resolves with the seconds spent queued once a slot is held; rejects if aborted while queued. */
  granted: Promise<number>;
  /** Frees the slot or the queue place, whichever is held. Idempotent. */
  release: () => void;
}

/**
 * At most `maxConcurrent` holders at once and at most `maxQueue` waiting behind them, first come
 * first served; beyond that `reserve` throws Overloaded at once, before the caller answered anything.
 */
export class AdmissionQueue {
  private active = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(
    readonly maxConcurrent: number,
    readonly maxQueue: number,
    /** Seconds a rejected client is told to wait. */
    private readonly retryAfterSeconds = 1,
  ) {}

  get running(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  reserve(signal?: AbortSignal): Reservation {
    const immediate = this.active < this.maxConcurrent && this.waiters.length === 0;
    if (!immediate && this.waiters.length >= this.maxQueue) {
      throw new Overloaded(
        `the server is at capacity (${this.maxConcurrent} generating, ${this.maxQueue} queued); retry after ${this.retryAfterSeconds} s`,
        this.retryAfterSeconds,
      );
    }
    const enqueuedAt = performance.now();
    let state: 'waiting' | 'running' | 'done' = 'waiting';
    let resolve!: (seconds: number) => void;
    let reject!: (error: Error) => void;
    const granted = new Promise<number>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    granted.catch(() => undefined); // an abort while queued is the caller's to observe, not unhandled
    const grant = () => {
      state = 'running';
      this.active++;
      resolve((performance.now() - enqueuedAt) / 1000);
    };
    const release = () => {
      signal?.removeEventListener('abort', onAbort);
      if (state === 'running') {
        this.active--;
        this.waiters.shift()?.();
      } else if (state === 'waiting') {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new DOMException('aborted while queued', 'AbortError'));
      }
      state = 'done';
    };
    const onAbort = () => {
      if (state === 'waiting') release();
    };
    if (immediate) grant();
    else this.waiters.push(grant);
    signal?.addEventListener('abort', onAbort, { once: true });
    // A signal aborted before now never fires its event; it must not keep a queue place.
    if (signal?.aborted) onAbort();
    return { granted, release };
  }
}
