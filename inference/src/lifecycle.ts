import { EngineUnavailable, ModelNotReady, ShuttingDown } from './errors';
import type { Scheduler } from './scheduler';

/** Cog's health states, plus DRAINING while a SIGTERM is honoured. BUSY is derived, not stored. */
export type LifecycleState = 'STARTING' | 'READY' | 'SETUP_FAILED' | 'DRAINING';

export interface SetupRecord {
  startedAt: Date;
  completedAt?: Date;
  status?: 'succeeded' | 'failed';
  logs: string;
}

/**
 * The server's one state machine: every transition happens here, so /readyz, Cog's
 * /health-check and request admission can never disagree.
 */
export class Lifecycle {
  private current: LifecycleState = 'STARTING';
  private engine?: Scheduler;
  readonly setup: SetupRecord = { startedAt: new Date(), logs: '' };
  private readonly drainListeners: (() => void)[] = [];

  get state(): LifecycleState {
    return this.current;
  }

  get scheduler(): Scheduler | undefined {
    return this.current === 'SETUP_FAILED' ? undefined : this.engine;
  }

  /** The scheduler, if new generations may start now; else the reason as a typed error. */
  acquireScheduler(): Scheduler {
    if (this.current === 'DRAINING')
      throw new ShuttingDown('the server is shutting down; retry on another replica');
    if (this.current === 'SETUP_FAILED')
      throw new ModelNotReady(`the model failed to load: ${this.setup.logs}`);
    if (!this.engine) throw new ModelNotReady('the model is still loading; retry shortly');
    if (!this.engineAvailable)
      throw new EngineUnavailable('the inference engine is unavailable; retry shortly');
    return this.engine;
  }

  /**
   * Ready to take requests: the model is loaded and warmed up, its engine can serve now (an
   * upstream engine may go away and come back), and no drain has begun.
   */
  get ready(): boolean {
    return this.current === 'READY' && this.engineAvailable;
  }

  /** What the backend says of itself; a backend without `status()` is always available. */
  get engineAvailable(): boolean {
    return this.engine?.backend.status?.().available ?? true;
  }

  /** Every generation slot and queue place taken (Cog's BUSY). */
  get busy(): boolean {
    const s = this.engine;
    return (
      this.current === 'READY' &&
      s !== undefined &&
      s.running >= s.maxConcurrent &&
      s.waiting >= s.maxQueue
    );
  }

  markReady(scheduler: Scheduler, logs: string): void {
    this.engine = scheduler;
    this.setup.completedAt = new Date();
    this.setup.status = 'succeeded';
    this.setup.logs = logs;
    if (this.current === 'STARTING') this.current = 'READY';
  }

  markFailed(logs: string): void {
    this.setup.completedAt = new Date();
    this.setup.status = 'failed';
    this.setup.logs = logs;
    if (this.current === 'STARTING') this.current = 'SETUP_FAILED';
  }

  startDraining(): void {
    if (this.current === 'DRAINING') return;
    this.current = 'DRAINING';
    for (const listener of this.drainListeners) listener();
  }

  onDrain(listener: () => void): void {
    this.drainListeners.push(listener);
  }
}
