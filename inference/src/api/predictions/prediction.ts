/** Cog's and Replicate's prediction statuses. */
export type PredictionStatus = 'starting' | 'processing' | 'succeeded' | 'failed' | 'canceled';

export type TerminalStatus = Extract<PredictionStatus, 'succeeded' | 'failed' | 'canceled'>;

/** What happened to a prediction, in order; `index` is its place in the prediction's history. */
export type PredictionEvent = { index: number } & (
  | { type: 'start' }
  | { type: 'output'; chunk: string; outputIndex: number }
  | { type: 'logs'; text: string }
  | { type: 'completed'; status: TerminalStatus; error?: string; completionTokens?: number }
);

/** Event types as webhook filters name them. */
export type PredictionEventType = PredictionEvent['type'];

export type PredictionListener = (event: PredictionEvent, prediction: Prediction) => void;

export interface PredictionInit {
  id: string;
  /** The input as the client sent it (echoed back), already validated. */
  input: Record<string, unknown>;
  model: string;
  version: string;
  /** The account (API key id) that created it; only it may see or cancel it. */
  owner: string;
  /** Aborting it stops the generation within one token. */
  abort: AbortController;
  /** Sequence number in the store, for stable paging. */
  seq: number;
  /** Undefined when the engine cannot count before it runs. */
  promptTokens: number | undefined;
}

/**
 * One prediction's record. Every state change goes through `transition`, which appends to the
 * history and tells the listeners (webhooks, streams, waiters), so they can never disagree.
 */
export class Prediction {
  readonly id: string;
  readonly input: Record<string, unknown>;
  readonly model: string;
  readonly version: string;
  readonly owner: string;
  readonly seq: number;
  readonly promptTokens: number | undefined;
  completionTokens?: number;
  readonly createdAt = new Date();
  startedAt?: Date;
  firstOutputAt?: Date;
  completedAt?: Date;
  status: PredictionStatus = 'starting';
  readonly output: string[] = [];
  logs = '';
  error: string | null = null;
  private readonly history: PredictionEvent[] = [];
  private readonly listeners = new Set<PredictionListener>();
  private readonly abort: AbortController;
  private readonly completed: Promise<void>;
  private resolveCompleted!: () => void;

  constructor(init: PredictionInit) {
    this.id = init.id;
    this.input = init.input;
    this.model = init.model;
    this.version = init.version;
    this.owner = init.owner;
    this.seq = init.seq;
    this.promptTokens = init.promptTokens;
    this.abort = init.abort;
    this.completed = new Promise((resolve) => (this.resolveCompleted = resolve));
  }

  get done(): boolean {
    return this.completedAt !== undefined;
  }

  /** Seconds from start to completion (Cog's and Replicate's `predict_time`). */
  get predictSeconds(): number | undefined {
    if (!this.startedAt || !this.completedAt) return undefined;
    return (this.completedAt.getTime() - this.startedAt.getTime()) / 1000;
  }

  /** Seconds from start to the first output (Replicate's `time_to_first_token`). */
  get firstOutputSeconds(): number | undefined {
    if (!this.startedAt || !this.firstOutputAt) return undefined;
    return (this.firstOutputAt.getTime() - this.startedAt.getTime()) / 1000;
  }

  /** Seconds from creation to completion (Replicate's `total_time`). */
  get totalSeconds(): number | undefined {
    if (!this.completedAt) return undefined;
    return (this.completedAt.getTime() - this.createdAt.getTime()) / 1000;
  }

  /** Asks the generation to stop; the prediction ends `canceled` once it has. */
  requestCancel(): void {
    if (!this.done) this.abort.abort();
  }

  /** Settles when the prediction reaches a terminal status. */
  whenDone(): Promise<void> {
    return this.completed;
  }

  /** Settles when done or after `ms`, whichever is first. */
  async waitFor(ms: number): Promise<void> {
    if (this.done || ms <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.completed,
      new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
    ]);
    clearTimeout(timer);
  }

  markStarted(): void {
    if (this.status !== 'starting' || this.done) return;
    this.transition({ type: 'start' });
  }

  appendOutput(chunk: string): void {
    if (this.done || chunk.length === 0) return;
    this.markStarted();
    this.transition({ type: 'output', chunk, outputIndex: this.output.length });
  }

  appendLogs(text: string): void {
    if (this.done || text.length === 0) return;
    this.transition({ type: 'logs', text });
  }

  complete(
    status: TerminalStatus,
    details: { error?: string; completionTokens?: number } = {},
  ): void {
    if (this.done) return;
    this.transition({ type: 'completed', status, ...details });
  }

  /**
   * Replays the history after `afterIndex` (all of it by default), then follows live events;
   * returns the unsubscribe function. Synchronous, so no event can slip between replay and follow.
   */
  follow(listener: PredictionListener, afterIndex = -1): () => void {
    for (const event of this.history.slice(afterIndex + 1)) listener(event, this);
    if (this.done) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Listens to future events only. */
  subscribe(listener: PredictionListener): () => void {
    if (this.done) return () => undefined;
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private transition(change: DistributiveOmit<PredictionEvent, 'index'>): void {
    const event = { ...change, index: this.history.length } as PredictionEvent;
    const now = new Date();
    switch (event.type) {
      case 'start':
        this.status = 'processing';
        this.startedAt = now;
        break;
      case 'output':
        this.firstOutputAt ??= now;
        this.output.push(event.chunk);
        break;
      case 'logs':
        this.logs += event.text;
        break;
      case 'completed':
        this.status = event.status;
        this.error = event.error ?? null;
        this.completionTokens = event.completionTokens;
        this.completedAt = now;
        break;
    }
    this.history.push(event);
    for (const listener of [...this.listeners]) {
      try {
        listener(event, this);
      } catch {
        // A failing listener (a closed stream) must not stop the others or the generation.
      }
    }
    if (event.type === 'completed') {
      this.listeners.clear();
      this.resolveCompleted();
    }
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
