import { randomInt } from 'node:crypto';
import type { SamplingParams } from './types';

/** sfc32 seeded through splitmix32: fast, 128-bit state, identical sequences for identical seeds. */
export function seededRandom(seed: number): () => number {
  let s = (Math.floor(seed) % 0x100000000) >>> 0;
  const high = Math.floor(seed / 0x100000000) >>> 0;
  const splitmix = () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s ^ high;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = ((c << 21) | (c >>> 11)) >>> 0;
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

export function randomSeed(): number {
  return randomInt(0, 2 ** 47);
}

/**
 * Picks the next token from one row of logits: repetition penalty, temperature, top-k, then top-p
 * over what top-k kept (as Hugging Face's warpers and vLLM chain them).
 */
export class TokenSampler {
  private readonly random: () => number;
  private readonly seen = new Set<number>();
  // Per-token scratch space, reused: a vocabulary-sized allocation per token adds up.
  private ids = new Int32Array(0);
  private weights = new Float32Array(0);

  constructor(
    private readonly params: Pick<
      SamplingParams,
      'temperature' | 'topK' | 'topP' | 'repetitionPenalty'
    >,
    seed: number,
    promptIds: readonly number[],
  ) {
    this.random = seededRandom(seed);
    if (params.repetitionPenalty !== 1) for (const id of promptIds) this.seen.add(id);
  }

  /** `logits` may be modified in place. */
  next(logits: Float32Array): number {
    const { temperature, repetitionPenalty } = this.params;
    if (repetitionPenalty !== 1) {
      for (const id of this.seen) {
        const l = logits[id];
        logits[id] = l < 0 ? l * repetitionPenalty : l / repetitionPenalty;
      }
    }
    const token = temperature <= 0 ? argmax(logits) : this.sample(logits, temperature);
    if (repetitionPenalty !== 1) this.seen.add(token);
    return token;
  }

  private sample(logits: Float32Array, temperature: number): number {
    const { topK, topP } = this.params;
    const best = argmax(logits);
    const max = logits[best];
    if (this.ids.length < logits.length) {
      this.ids = new Int32Array(logits.length);
      this.weights = new Float32Array(logits.length);
    }
    const { ids, weights } = this;
    // Top-k as a floor on the logits (same order as the probabilities, no exp needed to find it).
    const minLogit =
      topK > 0 && topK < logits.length ? kthLargest(logits, topK, weights) : -Infinity;
    let count = 0;
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      if (logits[i] < minLogit) continue;
      const w = Math.exp((logits[i] - max) / temperature);
      if (w === 0) continue;
      ids[count] = i;
      weights[count++] = w;
      total += w;
    }
    const floor = topP < 1 ? nucleusFloor(weights.subarray(0, count), total, topP) : 0;
    let kept = 0;
    for (let j = 0; j < count; j++) if (weights[j] >= floor) kept += weights[j];
    let r = this.random() * kept;
    for (let j = 0; j < count; j++) {
      if (weights[j] < floor) continue;
      r -= weights[j];
      if (r < 0) return ids[j];
    }
    return best; // floating-point leftovers
  }
}

export function argmax(values: Float32Array): number {
  let best = 0;
  let max = values[0];
  for (let i = 1; i < values.length; i++) {
    const v = values[i];
    if (v > max) {
      max = v;
      best = i;
    }
  }
  return best;
}

/** The k-th largest value, by quickselect on `scratch` (at least as long as `values`): O(n). */
function kthLargest(values: Float32Array, k: number, scratch: Float32Array): number {
  const a = scratch.subarray(0, values.length);
  a.set(values);
  const target = values.length - k; // its index in ascending order
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target];
}

/**
 * The smallest weight still inside the nucleus: the top weights whose mass reaches topP of the
 * total. Weights below (1 - topP) * total / n cannot be in it (all of them together hold less than
 * the tail may), so only the rest is sorted: for a peaked distribution, a handful.
 */
function nucleusFloor(weights: Float32Array, total: number, topP: number): number {
  // Half the bound, so rounding in the sums can never drop a weight that belongs.
  const cutoff = ((1 - topP) * total) / weights.length / 2;
  const candidates = weights.filter((w) => w >= cutoff).sort();
  let mass = 0;
  for (let i = candidates.length - 1; i >= 0; i--) {
    mass += candidates[i];
    if (mass >= topP * total) return candidates[i];
  }
  return 0;
}
