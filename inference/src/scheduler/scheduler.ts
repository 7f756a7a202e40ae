import type {
  Backend,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  Usage,
} from '../engine/types';
import { AdmissionQueue } from './admission-queue';

/** What the scheduler reports as requests move through it (metrics hang off these). */
export interface SchedulerObserver {
  onStart?(queueSeconds: number): void;
  /** Seconds from submission (queueing included) to the first text. */
  onFirstText?(seconds: number): void;
  /** Seconds since the previous text. */
  onNextText?(seconds: number): void;
  onFinish?(usage: Usage, reason: FinishReason): void;
}

export interface SchedulerOptions {
  /** Generations running at once. */
  maxConcurrent: number;
  /** Requests waiting for a slot; beyond this, Overloaded. */
  maxQueue: number;
  retryAfterSeconds?: number;
  observer?: SchedulerObserver;
}

/**
 * Request-level front of the engine: validates and admits synchronously (ValidationError,
 * Overloaded), then streams the generation once a slot is free. Batching can come in behind this
 * interface without any protocol noticing.
 */
export class Scheduler {
  private readonly queue: AdmissionQueue;

  constructor(
    readonly backend: Backend,
    private readonly options: SchedulerOptions,
  ) {
    this.queue = new AdmissionQueue(
      options.maxConcurrent,
      options.maxQueue,
      options.retryAfterSeconds,
    );
  }

  get running(): number {
    return this.queue.running;
  }

  get waiting(): number {
    return this.queue.waiting;
  }

  get maxConcurrent(): number {
    return this.options.maxConcurrent;
  }

  get maxQueue(): number {
    return this.options.maxQueue;
  }

  /**
   * Throws ValidationError or Overloaded before returning; the stream then yields the generation's
   * events. An abort while queued ends the stream with a finish event of reason `abort`.
   */
  submit(request: GenerationRequest): {
    promptTokens: number;
    events: AsyncIterable<GenerationEvent>;
  } {
    const submittedAt = performance.now();
    const prepared = this.backend.prepare(request);
    const reservation = this.queue.reserve(request.signal);
    const { observer } = this.options;
    const backend = this.backend;
    async function* events(): AsyncGenerator<GenerationEvent> {
      try {
        let queueSeconds: number;
        try {
          queueSeconds = await reservation.granted;
        } catch {
          yield {
            type: 'finish',
            reason: 'abort',
            usage: { promptTokens: prepared.promptIds.length, completionTokens: 0 },
          };
          return;
        }
        observer?.onStart?.(queueSeconds);
        let last = submittedAt;
        let first = true;
        for await (const event of backend.generate(prepared)) {
          if (event.type === 'finish') observer?.onFinish?.(event.usage, event.reason);
          else {
            const now = performance.now();
            if (first) observer?.onFirstText?.((now - last) / 1000);
            else observer?.onNextText?.((now - last) / 1000);
            first = false;
            last = now;
          }
          yield event;
        }
      } finally {
        reservation.release();
      }
    }
    return { promptTokens: prepared.promptIds.length, events: events() };
  }
}
