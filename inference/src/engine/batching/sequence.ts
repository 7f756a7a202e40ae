import { IncrementalDetokenizer, type TokenDecoder } from '../detokenizer';
import { randomSeed, TokenSampler } from '../sampling';
import { StopSequenceMatcher } from '../stop-sequences';
import type { FinishReason, GenerationEvent, TokenizedRequest } from '../types';
import { EventChannel } from '../event-channel';
import type { CacheSlice } from './kv-layout';

/**
 * One generation in the batch: its own sampler (seed), stop sequences, token limit and stream of
 * events. The batcher feeds it the logits of its row; everything else about it lives here, so a
 * row decodes exactly as it would alone.
 */
export class Sequence {
  readonly promptIds: readonly number[];
  readonly request: TokenizedRequest['request'];
  readonly events = new EventChannel<GenerationEvent>();
  /** Tokens whose keys and values are in the cache (prompt tokens read, then fed tokens). */
  cached = 0;
  /** Where its keys and values are: the last `cached` columns of one row of these tensors. */
  cache?: CacheSlice;
  /** The sampled token to feed at the next decode step. */
  nextToken = 0;
  completionTokens = 0;
  done = false;
  private cancelled = false;
  private readonly sampler: TokenSampler;
  private readonly detokenizer: IncrementalDetokenizer;
  private readonly stops: StopSequenceMatcher;

  constructor(
    prepared: TokenizedRequest,
    tokenizer: TokenDecoder,
    private readonly eosTokenIds: ReadonlySet<number>,
  ) {
    this.promptIds = prepared.promptIds;
    this.request = prepared.request;
    this.sampler = new TokenSampler(
      this.request,
      this.request.seed ?? randomSeed(),
      this.promptIds,
    );
    this.detokenizer = new IncrementalDetokenizer(tokenizer);
    this.stops = new StopSequenceMatcher(this.request.stop);
  }

  /** The client went away or the request's signal fired: the row leaves at the next step. */
  get aborted(): boolean {
    return this.cancelled || this.request.signal?.aborted === true;
  }

  get prefilled(): boolean {
    return this.cached >= this.promptIds.length;
  }

  /** The most tokens its cache can ever hold (for the KV-cache budget). */
  get finalLength(): number {
    return this.promptIds.length + this.request.maxNewTokens;
  }

  /** The consumer stopped reading: nothing more is computed for it. */
  cancel(): void {
    this.cancelled = true;
  }

  /**
   * Picks the next token from this row's logits (which it may modify) and emits its text. Returns
   * false once the generation has finished (end of sequence, stop sequence or token limit).
   */
  accept(logits: Float32Array): boolean {
    const token = this.sampler.next(logits);
    this.completionTokens++;
    if (this.eosTokenIds.has(token)) {
      this.finish('stop');
      return false;
    }
    const { emit, stopped } = this.stops.push(this.detokenizer.push(token));
    if (emit) this.events.push({ type: 'text', text: emit });
    if (stopped) {
      this.end('stop');
      return false;
    }
    if (this.completionTokens >= this.request.maxNewTokens) {
      this.finish('length');
      return false;
    }
    this.nextToken = token;
    return true;
  }

  /**
   * Ends the generation short of a stop sequence (length, end of sequence, abort): text held back
   * as a possible stop or half a character is released first.
   */
  finish(reason: FinishReason): void {
    if (this.done) return;
    const tail = this.stops.push(this.detokenizer.flush());
    const rest = tail.stopped ? tail.emit : tail.emit + this.stops.flush();
    if (rest) this.events.push({ type: 'text', text: rest });
    this.end(tail.stopped && reason === 'length' ? 'stop' : reason);
  }

  /** The engine failed under this generation: its consumer's iteration throws. */
  fail(error: unknown): void {
    if (this.done) return;
    this.release();
    this.events.fail(error);
  }

  private end(reason: FinishReason): void {
    this.release();
    this.events.push({
      type: 'finish',
      reason,
      usage: { promptTokens: this.promptIds.length, completionTokens: this.completionTokens },
    });
    this.events.close();
  }

  private release(): void {
    this.done = true;
    this.cache = undefined;
  }
}
