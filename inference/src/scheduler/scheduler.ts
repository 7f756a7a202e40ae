import type {
  Backend,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  PreparedRequest,
  Usage,
} from '../engine/types';
import { AdmissionQueue, type Reservation } from './admission-queue';

/** What the scheduler reports as requests move through it (metrics hang off these). */
export interface SchedulerObserver {
  onStart?(queueSeconds: number): void;
  /** Seconds from submission (queueing included) to the first text. */
  onFirstText?(seconds: number): void;
  /** Seconds since the previous text. */
  onNextText?(seconds: number): void;
  onFinish?(usage: Usage, reason: FinishReason): void;
}

/**
 * Checks what goes into the engine and filters what comes out (moderation lives in safety/).
 * The scheduler applies it to every request, so no protocol has to know about it.
 */
export interface GenerationGuard {
  /** Called at submission, before admission; throws (ContentFiltered) to refuse the request. */
  open(request: GenerationRequest): GuardedGeneration;
}

export interface GuardedGeneration {
  /** Settles before the generation starts; rejects to refuse it (checks that take a model run). */
  cleared: Promise<void>;
  /** The engine's events as the client may see them; `stop` aborts the generation. */
  output(events: AsyncIterable<GenerationEvent>, stop: () => void): AsyncIterable<GenerationEvent>;
}

export interface SchedulerOptions {
  /** Generations running at once. */
  maxConcurrent: number;
  /** Requests waiting for a slot; beyond this, Overloaded. */
  maxQueue: number;
  retryAfterSeconds?: number;
  observer?: SchedulerObserver;
  guard?: GenerationGuard;
  /**
   * Text every generation starts with, ahead of the model's (an AI disclosure line). Not counted
   * as generated: no tokens, no latency metrics.
   */
  preamble?: string;
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
   * Throws ValidationError, ContentFiltered (from the guard) or Overloaded before returning; the
   * stream then yields the generation's events. An abort while queued ends the stream with a
   * finish event of reason `abort`; a guard that refuses late makes the stream throw.
   */
  submit(request: GenerationRequest): {
    promptTokens: number;
    events: AsyncIterable<GenerationEvent>;
  } {
    const submittedAt = performance.now();
    // The guard may stop a generation the client still wants (an output hit): its own signal.
    const stopper = new AbortController();
    const signal = request.signal
      ? AbortSignal.any([request.signal, stopper.signal])
      : stopper.signal;
    const prepared = this.backend.prepare({ ...request, signal });
    const guarded = this.options.guard?.open(request);
    const reservation = this.queue.reserve(request.signal);
    return {
      promptTokens: prepared.promptIds.length,
      events: this.run(prepared, reservation, submittedAt, guarded, () => stopper.abort()),
    };
  }

  private async *run(
    prepared: PreparedRequest,
    reservation: Reservation,
    submittedAt: number,
    guarded: GuardedGeneration | undefined,
    stop: () => void,
  ): AsyncGenerator<GenerationEvent> {
    const { observer, preamble } = this.options;
    try {
      await guarded?.cleared;
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
      if (preamble) yield { type: 'text', text: preamble };
      // Token latency is the engine's; the finish reason is what the client gets (moderated).
      const generated = timeTokens(this.backend.generate(prepared), submittedAt, observer);
      for await (const event of guarded ? guarded.output(generated, stop) : generated) {
        if (event.type === 'finish') observer?.onFinish?.(event.usage, event.reason);
        yield event;
      }
    } finally {
      reservation.release();
    }
  }
}

/** Passes the engine's events through, reporting the first and each next text's latency. */
async function* timeTokens(
  events: AsyncIterable<GenerationEvent>,
  submittedAt: number,
  observer: SchedulerObserver | undefined,
): AsyncGenerator<GenerationEvent> {
  let last = submittedAt;
  let first = true;
  for await (const event of events) {
    if (event.type === 'text') {
      const now = performance.now();
      if (first) observer?.onFirstText?.((now - last) / 1000);
      else observer?.onNextText?.((now - last) / 1000);
      first = false;
      last = now;
    }
    yield event;
  }
}
