import { RateLimited } from '../errors';

/** Refills continuously to `capacity` per minute. */
class TokenBucket {
  private level: number;
  private updatedAt = performance.now();

  constructor(private readonly perMinute: number) {
    this.level = perMinute;
  }

  private refill(): void {
    const now = performance.now();
    this.level = Math.min(
      this.perMinute,
      this.level + ((now - this.updatedAt) * this.perMinute) / 60_000,
    );
    this.updatedAt = now;
  }

  get full(): boolean {
    this.refill();
    return this.level >= this.perMinute;
  }

  /** Seconds until `amount` is available (0 if it is now). */
  waitSeconds(amount: number): number {
    this.refill();
    return this.level >= amount ? 0 : Math.ceil(((amount - this.level) * 60) / this.perMinute);
  }

  take(amount: number): void {
    this.refill();
    this.level -= amount;
  }
}

interface Account {
  requests?: TokenBucket;
  tokens?: TokenBucket;
}

/**
 * Per-API-key limits on requests and tokens (prompt + completion) per minute. A request is let in
 * while its key has a request left and a positive token balance; tokens are charged as the
 * generation finishes, so one long answer can overdraw and the next request waits for the refill.
 */
export class RateLimiter {
  private readonly accounts = new Map<string, Account>();

  constructor(
    private readonly requestsPerMinute: number,
    private readonly tokensPerMinute: number,
    private readonly maxAccounts = 10_000,
  ) {}

  get enabled(): boolean {
    return this.requestsPerMinute > 0 || this.tokensPerMinute > 0;
  }

  admit(account: string): void {
    if (!this.enabled || account === 'anonymous') return;
    const a = this.account(account);
    const wait = Math.max(
      a.requests?.waitSeconds(1) ?? 0,
      a.tokens?.waitSeconds(Number.MIN_VALUE) ?? 0,
    );
    if (wait > 0) {
      throw new RateLimited(
        `rate limit for this API key reached (${this.requestsPerMinute || 'unlimited'} requests, ${this.tokensPerMinute || 'unlimited'} tokens per minute); retry after ${wait} s`,
        wait,
      );
    }
    a.requests?.take(1);
  }

  charge(account: string, tokens: number): void {
    if (!this.enabled || account === 'anonymous') return;
    this.account(account).tokens?.take(tokens);
  }

  private account(id: string): Account {
    let account = this.accounts.get(id);
    if (!account) {
      if (this.accounts.size >= this.maxAccounts) this.evictIdle();
      account = {
        requests: this.requestsPerMinute > 0 ? new TokenBucket(this.requestsPerMinute) : undefined,
        tokens: this.tokensPerMinute > 0 ? new TokenBucket(this.tokensPerMinute) : undefined,
      };
      this.accounts.set(id, account);
    }
    return account;
  }

  /** Accounts whose buckets refilled completely hold no state worth keeping. */
  private evictIdle(): void {
    for (const [id, a] of this.accounts) {
      if ((a.requests?.full ?? true) && (a.tokens?.full ?? true)) this.accounts.delete(id);
    }
  }
}
