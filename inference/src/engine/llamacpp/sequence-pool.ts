import type { LlamaContext, LlamaContextSequence } from 'node-llama-cpp';

/** A sequence lent to one generation, and how much of its prompt is already in its KV cache. */
export interface SequenceLease {
  sequence: LlamaContextSequence;
  /** Leading prompt tokens the sequence holds from an earlier generation (at most all but one). */
  reused: number;
}

function commonPrefix(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The context's parallel sequences, one per running generation: node-llama-cpp decodes the
 * sequences that have work in one llama.cpp batch. A free sequence keeps what it evaluated, so a
 * prompt that starts like an earlier one (a system prompt, the previous turns of a chat) reuses
 * that part of the KV cache instead of evaluating it again.
 */
export class SequencePool {
  private readonly free: LlamaContextSequence[] = [];
  private readonly waiting: ((sequence: LlamaContextSequence) => void)[] = [];
  private readonly activeSequences: LlamaContextSequence[] = [];

  constructor(private readonly context: LlamaContext) {}

  /** Sequences generating now. */
  get active(): number {
    return this.activeSequences.length;
  }

  /** Tokens held in the KV cache by the sequences generating now. */
  get activeTokens(): number {
    return this.activeSequences.reduce((n, s) => n + s.nextTokenIndex, 0);
  }

  /** The free sequence sharing the longest prefix with `promptIds`, its cache trimmed to that prefix. */
  async acquire(promptIds: readonly number[]): Promise<SequenceLease> {
    const sequence = await this.take(promptIds);
    this.activeSequences.push(sequence);
    // Keep at least the last prompt token to evaluate: its logits give the first new token.
    const reused = Math.min(commonPrefix(sequence.contextTokens, promptIds), promptIds.length - 1);
    if (sequence.nextTokenIndex > reused) {
      await sequence.eraseContextTokenRanges([{ start: reused, end: sequence.nextTokenIndex }]);
    }
    return { sequence, reused };
  }

  release(lease: SequenceLease): void {
    this.activeSequences.splice(this.activeSequences.indexOf(lease.sequence), 1);
    const next = this.waiting.shift();
    if (next) next(lease.sequence);
    else this.free.push(lease.sequence);
  }

  private take(promptIds: readonly number[]): Promise<LlamaContextSequence> {
    if (this.free.length > 0) {
      let best = 0;
      let bestShared = -1;
      this.free.forEach((s, i) => {
        const shared = commonPrefix(s.contextTokens, promptIds);
        if (shared > bestShared) [best, bestShared] = [i, shared];
      });
      return Promise.resolve(this.free.splice(best, 1)[0]);
    }
    if (this.context.sequencesLeft > 0) return Promise.resolve(this.context.getSequence());
    // The scheduler never runs more generations than there are sequences; wait rather than fail.
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
