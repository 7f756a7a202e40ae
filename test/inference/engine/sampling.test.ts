import { TokenSampler, seededRandom } from '../../../inference/src/engine';
import { argmax } from '../../../inference/src/engine/sampling';

const GREEDY = { temperature: 0, topK: 0, topP: 1, repetitionPenalty: 1 };
const SAMPLE = { temperature: 1, topK: 0, topP: 1, repetitionPenalty: 1 };

/** Logits like a language model's: one row over a GPT-2-sized vocabulary, fixed by `seed`. */
function randomLogits(seed: number, size = 50257): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length: size }, () => (random() - 0.5) * 20);
}

/** How often each token is drawn from `logits` in `n` draws (the sampler may modify its input). */
function frequencies(params: typeof SAMPLE, logits: number[], n: number, seed = 1): number[] {
  const sampler = new TokenSampler(params, seed, []);
  const counts = logits.map(() => 0);
  for (let i = 0; i < n; i++) counts[sampler.next(Float32Array.from(logits))]++;
  return counts.map((c) => c / n);
}

describe('seededRandom', () => {
  test('same seed, same sequence; another seed, another sequence; values in [0, 1)', () => {
    const draw = (seed: number) => Array.from({ length: 1000 }, seededRandom(seed));
    expect(draw(42)).toEqual(draw(42));
    expect(draw(43)).not.toEqual(draw(42));
    const values = draw(7);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });

  test('seeds beyond 32 bits still differ', () => {
    const first = (seed: number) => seededRandom(seed)();
    expect(first(2 ** 40 + 1)).not.toBe(first(1));
    expect(first(2 ** 40 + 1)).not.toBe(first(2 ** 41 + 1));
  });
});

describe('TokenSampler', () => {
  test('temperature 0 is argmax', () => {
    for (const seed of [1, 2, 3]) {
      const logits = randomLogits(seed);
      const expected = argmax(logits);
      expect(new TokenSampler(GREEDY, seed, []).next(logits)).toBe(expected);
    }
  });

  test('top_k = 1 equals greedy at any temperature', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const logits = randomLogits(seed);
      const expected = argmax(logits);
      const sampler = new TokenSampler({ ...SAMPLE, temperature: 2, topK: 1 }, seed, []);
      for (let i = 0; i < 20; i++) expect(sampler.next(Float32Array.from(logits))).toBe(expected);
    }
  });

  test('a tiny top_p keeps only the most likely token', () => {
    const logits = randomLogits(9);
    const expected = argmax(logits);
    const sampler = new TokenSampler({ ...SAMPLE, temperature: 1.5, topP: 1e-6 }, 9, []);
    for (let i = 0; i < 20; i++) expect(sampler.next(Float32Array.from(logits))).toBe(expected);
  });

  test('the same seed draws the same tokens; other seeds draw others', () => {
    const draws = (seed: number) => {
      const sampler = new TokenSampler(SAMPLE, seed, []);
      return Array.from({ length: 30 }, (_, i) => sampler.next(randomLogits(100 + i, 1000)));
    };
    expect(draws(5)).toEqual(draws(5));
    expect(draws(6)).not.toEqual(draws(5));
  });

  test('draws follow the softmax of logits / temperature', () => {
    const logits = [0, Math.log(2), Math.log(3), -Infinity];
    const atOne = frequencies(SAMPLE, logits, 12000);
    [1 / 6, 2 / 6, 3 / 6, 0].forEach((p, i) => expect(atOne[i]).toBeCloseTo(p, 1));
    // Temperature 0.5 squares the odds: 1 : 4 : 9.
    const sharper = frequencies({ ...SAMPLE, temperature: 0.5 }, logits, 12000);
    [1 / 14, 4 / 14, 9 / 14, 0].forEach((p, i) => expect(sharper[i]).toBeCloseTo(p, 1));
  });

  test('top_k and top_p cut the tail and renormalise what is left', () => {
    const logits = [0, Math.log(2), Math.log(3), Math.log(4)]; // 0.1 0.2 0.3 0.4
    const topTwo = frequencies({ ...SAMPLE, topK: 2 }, logits, 10000);
    [0, 0, 3 / 7, 4 / 7].forEach((p, i) => expect(topTwo[i]).toBeCloseTo(p, 1));
    // The nucleus of 0.6 needs 0.4 + 0.3: the top two again.
    const nucleus = frequencies({ ...SAMPLE, topP: 0.6 }, logits, 10000);
    [0, 0, 3 / 7, 4 / 7].forEach((p, i) => expect(nucleus[i]).toBeCloseTo(p, 1));
  });

  test('top_p applies to what top_k kept, renormalised (as Hugging Face and vLLM chain them)', () => {
    // top_k 2 keeps 0.3 and 0.4, i.e. 3/7 and 4/7; a nucleus of 0.5 then needs only the 4/7.
    const logits = [0, Math.log(2), Math.log(3), Math.log(4)];
    const both = frequencies({ ...SAMPLE, topK: 2, topP: 0.5 }, logits, 2000);
    expect(both).toEqual([0, 0, 0, 1]);
  });

  test('top_k on a GPT-2-sized row keeps exactly the k largest', () => {
    const logits = randomLogits(21);
    const top = Array.from(logits.keys())
      .sort((a, b) => logits[b] - logits[a])
      .slice(0, 5);
    const sampler = new TokenSampler({ ...SAMPLE, temperature: 5, topK: 5 }, 21, []);
    const drawn = new Set(Array.from({ length: 300 }, () => sampler.next(logits.slice())));
    expect([...drawn].sort()).toEqual([...top].sort());
  });

  test('repetition penalty discourages tokens of the prompt and of earlier picks', () => {
    // Token 0 leads slightly; a penalty of 2 halves its (positive) logit so token 1 wins.
    const logits = () => Float32Array.from([2, 1.5, -3]);
    expect(new TokenSampler(GREEDY, 1, [0]).next(logits())).toBe(0);
    expect(new TokenSampler({ ...GREEDY, repetitionPenalty: 2 }, 1, [0]).next(logits())).toBe(1);
    // Earlier picks count as well.
    const picked = new TokenSampler({ ...GREEDY, repetitionPenalty: 2 }, 1, []);
    expect(picked.next(logits())).toBe(0);
    expect(picked.next(logits())).toBe(1);
    // A negative logit is multiplied, pushing it further down: -1 becomes -2, below -1.5.
    const negative = Float32Array.from([-1, -1.5]);
    expect(new TokenSampler({ ...GREEDY, repetitionPenalty: 2 }, 1, [0]).next(negative)).toBe(1);
  });
});
