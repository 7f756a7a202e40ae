import type {
  Backend,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  Usage,
} from '../engine/types';
import { ValidationError } from '../errors';
import { AdmissionQueue } from './admission-queue';

/** What the scheduler reports as requests move through it (metrics hang off these). */
export interface SchedulerObserver {
  onStart?(queueSeconds: number): void;
  /** Seconds from submission (queueing included) to the first text. */
  onFirstText?(seconds: number): void;
  /** Seconds since the previous text. */
  onNextText?(seconds: number): void;
  onFinish?(usage: Usage, reason: FinishReason, transcript?: Transcript): void;
}

/** The prompt and the full completion, handed to observers only when `captureText` is on. */
export interface Transcript {
  prompt: GenerationRequest['prompt'];
  completion: string;
}

export interface SchedulerOptions {
  /** Generations running at once. */
  maxConcurrent: number;
  /** Requests waiting for a slot; beyond this, Overloaded. */
  maxQueue: number;
  retryAfterSeconds?: number;
  /** Longest prompt accepted, in tokens (ValidationError naming `prompt` beyond). */
  maxPromptTokens?: number;
  /** A generation running longer is cut off (finish reason `abort`). */
  timeoutSeconds?: number;
  observer?: SchedulerObserver;
  /** Accumulate each completion for `onFinish` (LOG_PROMPTS); off by default, text is private. */
  captureText?: boolean;
}

/** One observer that forwards to several. */
export function combineObservers(observers: SchedulerObserver[]): SchedulerObserver {
  return {
    onStart: (s) => observers.forEach((o) => o.onStart?.(s)),
    onFirstText: (s) => observers.forEach((o) => o.onFirstText?.(s)),
    onNextText: (s) => observers.forEach((o) => o.onNextText?.(s)),
    onFinish: (usage, reason, transcript) =>
      observers.forEach((o) => o.onFinish?.(usage, reason, transcript)),
  };
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
   * `started` resolves with the seconds spent queued once a slot is held, or null if the request
   * was aborted while queued (Cog's and Replicate's `starting` -> `processing`).
   */
  submit(request: GenerationRequest): {
    promptTokens: number;
    started: Promise<number | null>;
    events: AsyncIterable<GenerationEvent>;
  } {
    const submittedAt = performance.now();
    const { timeoutSeconds, maxPromptTokens } = this.options;
    const signals = [
      request.signal,
      timeoutSeconds ? AbortSignal.timeout(timeoutSeconds * 1000) : undefined,
    ];
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
    const prepared = this.backend.prepare({ ...request, signal });
    if (maxPromptTokens !== undefined && prepared.promptIds.length > maxPromptTokens) {
      throw new ValidationError(
        `the prompt has ${prepared.promptIds.length} tokens; this endpoint accepts at most ${maxPromptTokens}: shorten it`,
        'prompt',
      );
    }
    const reservation = this.queue.reserve(signal);
    const { observer, captureText } = this.options;
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
        let completion = '';
        let first = true;
        for await (const event of backend.generate(prepared)) {
          if (event.type === 'finish') {
            const transcript = captureText ? { prompt: request.prompt, completion } : undefined;
            observer?.onFinish?.(event.usage, event.reason, transcript);
          } else {
            if (captureText) completion += event.text;
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
    return {
      promptTokens: prepared.promptIds.length,
      started: reservation.granted.then(
        (seconds) => seconds,
        () => null,
      ),
      events: events(),
    };
  }
}
