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

/** Picks the next token from one row of logits: repetition penalty, temperature, top-k, top-p. */
export class TokenSampler {
  private readonly random: () => number;
  private readonly seen = new Set<number>();

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
    const max = logits[argmax(logits)];
    const weights = new Float32Array(logits.length);
    let total = 0;
    for (let i = 0; i < logits.length; i++) {
      const w = Math.exp((logits[i] - max) / temperature);
      weights[i] = w;
      total += w;
    }
    let floor = 0;
    if (topK > 0 && topK < logits.length) floor = kthLargest(weights, topK);
    if (topP < 1) floor = Math.max(floor, nucleusFloor(weights, total, topP));
    let kept = 0;
    for (let i = 0; i < weights.length; i++) {
      if (weights[i] < floor) weights[i] = 0;
      else kept += weights[i];
    }
    let r = this.random() * kept;
    for (let i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0 && weights[i] > 0) return i;
    }
    return argmax(weights); // floating-point leftovers
  }
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

function kthLargest(values: Float32Array, k: number): number {
  const sorted = Float32Array.from(values).sort();
  return sorted[sorted.length - k];
}

/** The smallest weight still inside the nucleus: the top tokens whose mass reaches topP. */
function nucleusFloor(weights: Float32Array, total: number, topP: number): number {
  const sorted = Float32Array.from(weights).sort();
  let mass = 0;
  for (let i = sorted.length - 1; i >= 0; i--) {
    mass += sorted[i];
    if (mass >= topP * total) return sorted[i];
  }
  return 0;
}
