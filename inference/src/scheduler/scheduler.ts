import type {
  Backend,
  FinishReason,
  GenerationEvent,
  GenerationRequest,
  PreparedRequest,
  Usage,
} from '../engine/types';
import { ValidationError } from '../errors';
import { AdmissionQueue, type Reservation } from './admission-queue';
import type { GenerationGuard, GuardedGeneration } from './guard';

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
  /** Moderation: refuses prompts, filters and may stop output. */
  guard?: GenerationGuard;
  /**
   * Text every generation starts with, ahead of the model's (an AI disclosure line). Not counted
   * as generated: no tokens, no latency metrics, not in transcripts.
   */
  preamble?: string;
}

/** What `submit` hands back once a request is admitted. */
export interface Submission {
  promptTokens: number | undefined;
  started: Promise<number | null>;
  events: AsyncIterable<GenerationEvent>;
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
   * Rejects with ValidationError, ContentFiltered (from the guard) or Overloaded before anything
   * runs; the stream then yields the generation's events. An abort while queued ends the stream
   * with a finish event of reason `abort`; a guard that refuses late (a classifier model's
   * verdict) makes the stream throw ContentFiltered. `started` resolves with the seconds spent
   * queued once a slot is held, or null if the request was aborted while queued (Cog's and
   * Replicate's `starting` -> `processing`). `promptTokens` is undefined only when the engine
   * cannot count before it runs.
   */
  async submit(request: GenerationRequest): Promise<Submission> {
    const submittedAt = performance.now();
    const { timeoutSeconds } = this.options;
    // The guard may stop a generation the client still wants (an output hit): its own signal.
    const stopper = new AbortController();
    const signals = [
      request.signal,
      timeoutSeconds ? AbortSignal.timeout(timeoutSeconds * 1000) : undefined,
      stopper.signal,
    ];
    const signal = AbortSignal.any(signals.filter((s): s is AbortSignal => s !== undefined));
    const prepared = await this.backend.prepare({ ...request, signal });
    this.checkPromptCap(prepared.promptTokens);
    const guarded = this.options.guard?.open(request);
    const reservation = this.queue.reserve(signal);
    // A caller that never iterates the events (it failed in between) would hold the slot
    // forever; the request's signal (disconnect, timeout) frees it unless the events started.
    const progress = { started: false };
    signal.addEventListener('abort', () => progress.started || reservation.release(), {
      once: true,
    });
    return {
      promptTokens: prepared.promptTokens,
      started: reservation.granted.then(
        (seconds) => seconds,
        () => null,
      ),
      events: this.run(
        prepared,
        reservation,
        submittedAt,
        guarded,
        () => stopper.abort(),
        progress,
      ),
    };
  }

  private checkPromptCap(promptTokens: number | undefined): void {
    const cap = this.options.maxPromptTokens;
    if (cap !== undefined && promptTokens !== undefined && promptTokens > cap) {
      throw new ValidationError(
        `the prompt has ${promptTokens} tokens; this endpoint accepts at most ${cap}: shorten it`,
        'prompt',
      );
    }
  }

  private async *run(
    prepared: PreparedRequest,
    reservation: Reservation,
    submittedAt: number,
    guarded: GuardedGeneration | undefined,
    stop: () => void,
    progress: { started: boolean },
  ): AsyncGenerator<GenerationEvent> {
    progress.started = true;
    const { observer, captureText, preamble } = this.options;
    try {
      await guarded?.cleared;
      let queueSeconds: number;
      try {
        queueSeconds = await reservation.granted;
      } catch {
        yield {
          type: 'finish',
          reason: 'abort',
          usage: { promptTokens: prepared.promptTokens ?? 0, completionTokens: 0 },
        };
        return;
      }
      observer?.onStart?.(queueSeconds);
      if (preamble) yield { type: 'text', text: preamble };
      // Token latency is the engine's; the text and finish reason are what the client gets.
      const generated = timeTokens(this.backend.generate(prepared), submittedAt, observer);
      let completion = '';
      for await (const event of guarded ? guarded.output(generated, stop) : generated) {
        if (event.type === 'text' && captureText) completion += event.text;
        if (event.type === 'finish') {
          const prompt = prepared.request.prompt;
          observer?.onFinish?.(
            event.usage,
            event.reason,
            captureText ? { prompt, completion } : undefined,
          );
        }
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
