import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import type { BackendStatus } from '../types';
import { bytesPerCachedToken, composeCache, freeNow, type CacheTensors } from './kv-layout';
import { lastLogits, type ModelStepper, type StepResult } from './model-step';
import type { Sequence } from './sequence';

export interface BatcherOptions {
  /** Most sequences in the batch (reading their prompt or decoding). */
  maxBatch: number;
  /** Bytes the batch's KV cache may take. */
  kvCacheBytes: number;
  /**
   * Prompt tokens read between two decode steps; a longer prompt is read in chunks of this many
   * tokens, so running streams wait for at most one chunk per token.
   */
  prefillChunkTokens: number;
  /**
   * Most milliseconds an idle engine waits for the rest of a burst of requests before its first
   * pass; it starts as soon as QUIET_MS pass with none new. @default 0 (at once)
   */
  batchWaitMs?: number;
}

/** A gap between two requests of a burst longer than this ends the wait for the rest. */
const QUIET_MS = 2;

/**
 * Continuous batching on one model: every running sequence decodes in one forward pass per step
 * (a left-padded batch cache, per-row positions and attention masks); a new sequence reads its
 * prompt in chunks between steps and joins at the step after; a sequence that ends, or whose
 * client went away, leaves at once. Each step's tokens reach their consumers before the next
 * pass starts, so an abort raised on one is honoured before the next pass.
 *
 * Admission is by worst case: a sequence joins only while the batch's cache, with every row at
 * its longest (prompt + max tokens), fits the budget. So a sequence never has to be evicted, and
 * preemptions stay 0.
 */
export class ContinuousBatcher {
  private readonly waiting: Sequence[] = [];
  private prefilling: Sequence[] = [];
  private running: Sequence[] = [];
  private looping = false;
  private idle: Promise<void> = Promise.resolve();
  private bytesPerToken = 0;
  private turnedDuringPass = false;
  /** Cache tensors of passes (their present, or a composed past) not freed yet. */
  private readonly caches = new Set<CacheTensors>();

  constructor(
    private readonly stepper: ModelStepper,
    private readonly options: BatcherOptions,
  ) {}

  submit(sequence: Sequence): void {
    if (sequence.aborted) return sequence.finish('abort');
    if (sequence.request.maxNewTokens <= 0) return sequence.finish('length');
    this.waiting.push(sequence);
    if (this.looping) return;
    this.looping = true;
    this.idle = this.run();
  }

  status(): BackendStatus {
    const width = Math.max(0, ...this.running.map((s) => s.cached));
    const prefillTokens = this.prefilling.reduce((sum, s) => sum + s.cached, 0);
    const bytes = (this.running.length * width + prefillTokens) * this.bytesPerToken;
    return {
      available: true,
      batchSize: this.running.length,
      kvCacheUsage: Math.min(1, bytes / this.options.kvCacheBytes),
      preemptions: 0,
    };
  }

  /** Ends every generation (reason abort) and waits for the loop to stop. */
  async dispose(): Promise<void> {
    for (const s of [...this.waiting, ...this.prefilling, ...this.running]) s.cancel();
    await this.idle;
  }

  private async run(): Promise<void> {
    try {
      await this.gather();
      while (this.waiting.length + this.prefilling.length + this.running.length > 0) {
        this.settle();
        if (await this.prefill()) await this.afterPass();
        this.settle();
        if (this.running.length > 0) {
          await this.decode();
          await this.afterPass();
        }
      }
    } finally {
      this.releaseUnused();
      this.looping = false;
    }
  }

  /**
   * Lets the rest of a burst arrive before the first pass. A pass blocks the event loop, so
   * requests still in their sockets when it starts would each be read in a pass of their own
   * (a burst of 8 arriving over ~10 ms took 8 passes), one prompt at a time.
   */
  private async gather(): Promise<void> {
    const deadline = performance.now() + (this.options.batchWaitMs ?? 0);
    let seen = 0;
    while (
      this.waiting.length > seen &&
      this.waiting.length < this.options.maxBatch &&
      performance.now() < deadline
    ) {
      seen = this.waiting.length;
      await sleep(Math.min(QUIET_MS, deadline - performance.now()));
    }
  }

  /** Drops what ended (an abort ends here, before another pass), then admits what fits. */
  private settle(): void {
    const keep = (s: Sequence) => {
      if (s.aborted) s.finish('abort');
      return !s.done;
    };
    this.running = this.running.filter(keep);
    this.prefilling = this.prefilling.filter(keep);
    for (let i = this.waiting.length - 1; i >= 0; i--)
      if (!keep(this.waiting[i])) this.waiting.splice(i, 1);
    while (this.waiting.length > 0) {
      const active = [...this.prefilling, ...this.running];
      if (active.length > 0 && !this.fits([...active, this.waiting[0]])) break;
      this.prefilling.push(this.waiting.shift()!);
    }
  }

  private fits(sequences: Sequence[]): boolean {
    if (sequences.length > this.options.maxBatch) return false;
    const longest = Math.max(...sequences.map((s) => s.finalLength));
    return sequences.length * longest * this.bytesPerToken <= this.options.kvCacheBytes;
  }

  /**
   * Reads prompt chunks up to the token budget; true if any pass ran. While no stream decodes
   * there is none to stall, so the budget does not apply: requests that arrive together are read
   * in one pass and then decode in step (as a batched generate() does), none a step behind.
   */
  private async prefill(): Promise<boolean> {
    let budget = this.options.prefillChunkTokens;
    let ran = false;
    while (this.prefilling.length > 0) {
      const idle = this.running.length === 0;
      const group = this.prefillGroup(idle ? Infinity : budget, !ran || idle);
      if (group.length === 0) break;
      if (!idle) budget -= group.length * this.chunkLength(group[0]);
      await this.prefillChunk(group);
      ran = true;
      this.settle();
    }
    return ran;
  }

  /**
   * The first sequence still reading its prompt, and those at the same point with a chunk of the
   * same length: one pass without padding, which computes for each exactly what it would alone.
   * Empty when the first one's chunk exceeds what is left of the budget (unless `first`).
   */
  private prefillGroup(budget: number, first: boolean): Sequence[] {
    const head = this.prefilling[0];
    const length = this.chunkLength(head);
    if (!first && length > budget) return [];
    const group = [head];
    for (const s of this.prefilling.slice(1)) {
      if ((group.length + 1) * length > Math.max(budget, length)) break;
      if (s.cached === head.cached && this.chunkLength(s) === length) group.push(s);
    }
    return group;
  }

  private chunkLength(sequence: Sequence): number {
    return Math.min(this.options.prefillChunkTokens, sequence.promptIds.length - sequence.cached);
  }

  private async prefillChunk(group: Sequence[]): Promise<void> {
    const start = group[0].cached;
    const length = this.chunkLength(group[0]);
    const past = start > 0 ? this.cacheOf(group) : undefined;
    if (past) this.caches.add(past);
    const rows = group.map((s) => ({
      tokens: s.promptIds.slice(start, start + length),
      position: start,
      padding: 0,
    }));
    const result = await this.step(group, () => this.stepper.run(rows, past));
    if (!result) return;
    group.forEach((s, b) => {
      s.cache = { tensors: result.present, row: b };
      s.cached += length;
      if (!s.prefilled) return;
      this.prefilling.splice(this.prefilling.indexOf(s), 1);
      if (s.aborted) s.finish('abort');
      else if (s.accept(lastLogits(result.logits, b))) this.running.push(s);
    });
    this.releaseAfter(result);
  }

  private async decode(): Promise<void> {
    const rows = this.running;
    const width = Math.max(...rows.map((s) => s.cached));
    const past = this.cacheOf(rows);
    if (past) this.caches.add(past);
    const inputs = rows.map((s) => ({
      tokens: [s.nextToken],
      position: s.cached,
      padding: width - s.cached,
    }));
    const result = await this.step(rows, () => this.stepper.run(inputs, past));
    if (!result) return;
    rows.forEach((s, b) => {
      s.cache = { tensors: result.present, row: b };
      s.cached += 1;
      if (s.aborted) s.finish('abort');
      else s.accept(lastLogits(result.logits, b));
    });
    this.running = this.running.filter((s) => !s.done);
    this.releaseAfter(result);
  }

  /** Every row took its token: the pass's logits, and the caches no sequence holds, are freed. */
  private releaseAfter(result: StepResult): void {
    freeNow(result.logits);
    this.caches.add(result.present);
    this.releaseUnused();
  }

  private releaseUnused(): void {
    const held = new Set<CacheTensors>();
    for (const s of [...this.prefilling, ...this.running]) if (s.cache) held.add(s.cache.tensors);
    for (const cache of this.caches) {
      if (held.has(cache)) continue;
      for (const tensor of Object.values(cache)) freeNow(tensor);
      this.caches.delete(cache);
    }
  }

  private cacheOf(sequences: Sequence[]): CacheTensors | undefined {
    return composeCache(sequences.map((s) => ({ slice: s.cache!, length: s.cached })));
  }

  /**
   * Lets the consumers take the pass's tokens (an abort they raise is seen before the next pass is
   * composed) and the event loop turn (sockets, timers: a client that went away, a new request).
   * ONNX Runtime's node binding turns the loop itself before each run; a second turn per step
   * doubled the time between passes (GC work runs in it: mean 2.3 against 0.6 ms for generate()),
   * so the loop is turned here only when the pass did not.
   */
  private async afterPass(): Promise<void> {
    if (this.turnedDuringPass) await new Promise<void>((done) => process.nextTick(done));
    else await nextTurn();
  }

  /** One forward pass; if it fails, the generations in it fail and the others go on. */
  private async step(
    sequences: Sequence[],
    pass: () => Promise<StepResult>,
  ): Promise<StepResult | undefined> {
    this.turnedDuringPass = false;
    setImmediate(() => (this.turnedDuringPass = true));
    try {
      const result = await pass();
      this.bytesPerToken ||= bytesPerCachedToken(result.present);
      return result;
    } catch (error) {
      for (const s of sequences) s.fail(error);
      this.running = this.running.filter((s) => !s.done);
      this.prefilling = this.prefilling.filter((s) => !s.done);
      return undefined;
    }
  }
}
