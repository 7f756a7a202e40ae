import { setTimeout as sleep } from 'node:timers/promises';
import { ValidationError } from '../../errors';
import { SERVER_VERSION } from '../../version';
import type { Prediction } from './prediction';
import {
  WEBHOOK_EVENTS,
  WebhookDelivery,
  type DeliveryPolicy,
  type WebhookEvent,
  type WebhookMessage,
  type WebhookTarget,
} from './webhook-delivery';
import {
  forbiddenTargetIn,
  refusedWebhookHost,
  webhookFetch,
  type Resolver,
} from './webhook-network';
import { signatureHeaders, webhookKey } from './webhook-signature';

export { WEBHOOK_EVENTS, type WebhookEvent, type WebhookTarget } from './webhook-delivery';

export interface WebhookLogger {
  warn(details: object, message: string): void;
}

export interface WebhookSenderOptions extends Partial<DeliveryPolicy> {
  /** `whsec_...`: every delivery is signed with it (Standard Webhooks). */
  secret: string;
  /** The secret was made at start (no WEBHOOK_SECRET): say so when the first webhook is asked for. */
  secretMadeAtStart?: boolean;
  /** Deliver to loopback, private and link-local addresses too (tests, private networks). */
  allowPrivate?: boolean;
  /** Replaces the guarded fetch (unit tests). */
  fetch?: typeof fetch;
  /** Replaces dns.lookup behind the guarded fetch (tests pointing a name at loopback). */
  resolve?: Resolver;
  log?: WebhookLogger;
}

const DEFAULT_POLICY: DeliveryPolicy = {
  throttleMs: 500,
  terminalAttempts: 8,
  intermediateAttempts: 3,
  baseDelayMs: 250,
  maxDelayMs: 30_000,
  timeoutMs: 10_000,
};

/** Receivers answering these (or any 5xx) may succeed later; any other 4xx will not. */
const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/**
 * Delivers every prediction's webhooks in the background with retries and exponential backoff.
 * `drain()` lets a graceful shutdown wait for what is still pending.
 */
export class WebhookSender {
  private readonly policy: DeliveryPolicy;
  private readonly fetch: typeof fetch;
  private readonly deliveries = new Set<WebhookDelivery>();
  private readonly idleWaiters: (() => void)[] = [];
  private readonly closing = new AbortController();
  private readonly key: Buffer;
  private warnedOfSecret = false;
  private readonly closeConnections?: () => Promise<void>;

  constructor(private readonly options: WebhookSenderOptions) {
    this.policy = { ...DEFAULT_POLICY };
    for (const key of Object.keys(DEFAULT_POLICY) as (keyof DeliveryPolicy)[])
      this.policy[key] = options[key] ?? DEFAULT_POLICY[key];
    const guarded = options.fetch
      ? undefined
      : webhookFetch(options.allowPrivate ?? false, this.policy.timeoutMs, options.resolve);
    this.fetch = options.fetch ?? guarded!.fetch;
    this.closeConnections = guarded?.close;
    const key = webhookKey(options.secret);
    if (!key)
      throw new Error('the webhook secret must be whsec_ followed by 24-64 bytes of base64');
    this.key = key;
  }

  /** Deliveries with something queued, in flight or waiting for its throttle window. */
  get pending(): number {
    let busy = 0;
    for (const delivery of this.deliveries) if (delivery.busy) busy++;
    return busy;
  }

  /** Starts sending `prediction`'s webhooks to `target`; call before the prediction starts. */
  attach(prediction: Prediction, target: WebhookTarget): void {
    if (this.options.secretMadeAtStart && !this.warnedOfSecret) {
      this.warnedOfSecret = true;
      this.options.log?.warn(
        {},
        'WEBHOOK_SECRET is not set: webhooks are signed with a secret made at start, which a restart or another replica does not share',
      );
    }
    const delivery = new WebhookDelivery(
      prediction,
      target,
      this.policy,
      (url, message, attempts, superseded) => this.post(url, message, attempts, superseded),
      (idle, finished) => this.onIdle(idle, finished),
    );
    this.deliveries.add(delivery);
  }

  /**
   * Settles once every pending webhook is delivered or given up; throttled updates go out at
   * once rather than at the end of their window.
   */
  drain(): Promise<void> {
    for (const delivery of this.deliveries) delivery.flush();
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Gives up on everything still pending (after a drain, or when there is no time left). */
  close(): void {
    this.closing.abort();
    void this.closeConnections?.();
  }

  private onIdle(delivery: WebhookDelivery, finished: boolean): void {
    if (finished) this.deliveries.delete(delivery);
    if (this.pending > 0) return;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }

  private async post(
    url: string,
    message: WebhookMessage,
    attempts: number,
    superseded: () => boolean,
  ): Promise<boolean> {
    let problem = '';
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (this.closing.signal.aborted) break;
      if (attempt > 1) {
        const delay = this.backoffMs(attempt - 1);
        const slept = await sleep(delay, true, { signal: this.closing.signal }).catch(() => false);
        if (!slept || superseded()) return false;
      }
      problem = await this.attempt(url, message);
      if (problem === '') return true;
      if (problem.startsWith('final:')) break;
    }
    this.options.log?.warn(
      { webhook: redactUrl(url), attempts, problem: problem.replace(/^final: /, '') },
      'webhook not delivered; giving up',
    );
    return false;
  }

  /** One POST; '' when delivered, else the problem ('final: ...' when retrying is pointless). */
  private async attempt(url: string, message: WebhookMessage): Promise<string> {
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': `llm-deploy/${SERVER_VERSION}`,
          ...signatureHeaders(this.key, message.id, message.body),
        },
        body: message.body,
        signal: AbortSignal.any([AbortSignal.timeout(this.policy.timeoutMs), this.closing.signal]),
        redirect: 'manual',
      });
      await response.body?.cancel();
      if (response.ok) return '';
      const problem = `receiver answered ${response.status}`;
      const retryable = response.status >= 500 || RETRYABLE_STATUSES.has(response.status);
      return retryable ? problem : `final: ${problem}`;
    } catch (error) {
      const forbidden = forbiddenTargetIn(error);
      if (forbidden) return `final: ${forbidden.message}`;
      return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
  }

  private backoffMs(retry: number): number {
    const exponential = this.policy.baseDelayMs * 2 ** (retry - 1);
    return Math.min(this.policy.maxDelayMs, exponential) * (0.5 + Math.random() / 2);
  }
}

/**
 * Parses a request's `webhook` and `webhook_events_filter` into a target (without `render`); a
 * filter without a webhook is checked, then ignored. Unless `allowPrivate`, a URL naming a
 * loopback, private or link-local address is refused here (a name is checked as it connects).
 */
export function parseWebhook(
  url: unknown,
  filter: unknown,
  allowPrivate = false,
): Omit<WebhookTarget, 'render'> | undefined {
  const events = parseEventsFilter(filter);
  if (url === undefined || url === null) return undefined;
  let parsed: URL | undefined;
  if (typeof url === 'string') parsed = URL.parse(url) ?? undefined;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new ValidationError(
      `webhook must be an absolute http(s) URL (got ${JSON.stringify(url)})`,
      'webhook',
    );
  }
  if (parsed.username || parsed.password) {
    throw new ValidationError(
      'webhook must not carry credentials in the URL; put a token in its path or query',
      'webhook',
    );
  }
  const refused = allowPrivate ? undefined : refusedWebhookHost(parsed);
  if (refused) {
    throw new ValidationError(
      `webhook must reach a public address: ${refused}; this server allows private ones only with WEBHOOK_ALLOW_PRIVATE=true`,
      'webhook',
    );
  }
  return { url: parsed.href, events };
}

function parseEventsFilter(filter: unknown): ReadonlySet<WebhookEvent> {
  if (filter === undefined || filter === null) return new Set(WEBHOOK_EVENTS);
  const known = new Set<string>(WEBHOOK_EVENTS);
  if (!Array.isArray(filter) || filter.some((e) => typeof e !== 'string' || !known.has(e))) {
    throw new ValidationError(
      `webhook_events_filter must be a list of ${WEBHOOK_EVENTS.join(', ')} (got ${JSON.stringify(filter)})`,
      'webhook_events_filter',
    );
  }
  return new Set(filter as WebhookEvent[]);
}

/** Webhook URLs often carry tokens in their query: log only the origin and path. */
function redactUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
