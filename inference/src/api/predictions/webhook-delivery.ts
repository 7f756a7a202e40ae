import type { Prediction, PredictionEvent } from './prediction';
import { newMessageId } from './webhook-signature';

/** Cog's and Replicate's webhook event names (`webhook_events_filter`). */
export const WEBHOOK_EVENTS = ['start', 'output', 'logs', 'completed'] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

export interface WebhookTarget {
  url: string;
  events: ReadonlySet<WebhookEvent>;
  /** The request body for the prediction's current state, in the caller's protocol's shape. */
  render: (prediction: Prediction) => unknown;
}

export interface DeliveryPolicy {
  /** `output` and `logs` webhooks go out at most once per this many ms (Cog: 500). */
  throttleMs: number;
  /** Attempts for the terminal (`completed`) webhook, which carries the result. */
  terminalAttempts: number;
  /** Attempts for other webhooks; a newer state also supersedes one being retried. */
  intermediateAttempts: number;
  /** Backoff before retry n is base * 2^(n-1), jittered, capped at maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  timeoutMs: number;
}

/** One webhook message: its id stays the same on every retry, so receivers can deduplicate. */
export interface WebhookMessage {
  id: string;
  body: string;
}

/** Sends one message, with retries; resolves true once delivered, false when given up. */
export type PostWithRetries = (
  url: string,
  message: WebhookMessage,
  attempts: number,
  superseded: () => boolean,
) => Promise<boolean>;

interface QueuedBody {
  message: WebhookMessage;
  terminal: boolean;
}

/**
 * The webhooks of one prediction: sent in order, one at a time, the latest state replacing an
 * unsent older one, `output`/`logs` throttled with a trailing send so the last state always goes
 * out. Listens to the prediction, so generation never waits on a receiver.
 */
export class WebhookDelivery {
  private lastSentAt = Number.NEGATIVE_INFINITY;
  private trailing?: NodeJS.Timeout;
  private queued?: QueuedBody;
  private sending = false;
  private finished = false;

  constructor(
    private readonly prediction: Prediction,
    private readonly target: WebhookTarget,
    private readonly policy: DeliveryPolicy,
    private readonly post: PostWithRetries,
    /** Told whenever this delivery becomes idle (nothing queued, sending or waiting). */
    private readonly onIdle: (delivery: WebhookDelivery, finished: boolean) => void,
  ) {
    prediction.subscribe((event) => this.onEvent(event));
  }

  /** Something is queued, being sent, or waiting for the throttle window. */
  get busy(): boolean {
    return this.sending || this.queued !== undefined || this.trailing !== undefined;
  }

  /** Sends a throttled update now instead of at the end of its window (shutdown). */
  flush(): void {
    if (!this.trailing) return;
    clearTimeout(this.trailing);
    this.trailing = undefined;
    this.enqueue(false);
  }

  private onEvent(event: PredictionEvent): void {
    if (event.type === 'completed') {
      this.finished = true;
      if (this.target.events.has('completed')) {
        clearTimeout(this.trailing);
        this.trailing = undefined;
        this.enqueue(true);
      } else this.flush();
      if (!this.busy) this.onIdle(this, true);
      return;
    }
    if (!this.target.events.has(event.type)) return;
    if (event.type === 'start') {
      this.enqueue(false);
      return;
    }
    const wait = this.lastSentAt + this.policy.throttleMs - performance.now();
    if (wait <= 0 && !this.trailing) this.enqueue(false);
    else if (!this.trailing) {
      this.trailing = setTimeout(
        () => {
          this.trailing = undefined;
          this.enqueue(false);
        },
        Math.max(0, wait),
      );
    }
  }

  private enqueue(terminal: boolean): void {
    if (this.queued?.terminal) return;
    const body = JSON.stringify(this.target.render(this.prediction));
    this.queued = { message: { id: newMessageId(), body }, terminal };
    void this.pump();
  }

  private async pump(): Promise<void> {
    if (this.sending) return;
    this.sending = true;
    try {
      while (this.queued) {
        const { message, terminal } = this.queued;
        this.queued = undefined;
        this.lastSentAt = performance.now();
        const attempts = terminal ? this.policy.terminalAttempts : this.policy.intermediateAttempts;
        await this.post(this.target.url, message, attempts, () => !terminal && !!this.queued);
      }
    } finally {
      this.sending = false;
    }
    if (!this.busy) this.onIdle(this, this.finished);
  }
}
