/**
 * The builder's ONNX graph, run by ONNX Runtime, against GPT-2 written out in plain TypeScript
 * over the same weights (regenerated from the seed, not read back from the model).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InferenceSession } from 'onnxruntime-node';
import {
  GPT2_VOCAB_SIZE,
  randomGpt2Weights,
  writeGpt2Model,
  type Gpt2Shape,
  type Gpt2Weights,
} from '../../../inference/tools/model-builder';
import { referenceLogits } from '../../helpers/gpt2-reference';
import { maxAbsDifference, openSession, runStep } from '../../helpers/gpt2-session';

// ONNX Runtime's float32 lands within about 1e-6 of the float64 reference; 2e-5 (the issue asks
// for under 1e-4) leaves room for other CPUs' kernels and still catches small slips.
const TOLERANCE = 2e-5;
// Deliberately not the tiny preset's shape, so nothing can lean on its numbers.
const SHAPE: Gpt2Shape = {
  nEmbd: 48,
  nLayer: 2,
  nHead: 3,
  nPositions: 32,
  vocabSize: GPT2_VOCAB_SIZE,
};
const SEED = 20240611;
// "The quick brown fox jumps", then the last ordinary token and <|endoftext|>, so the embedding
// gather is exercised across the whole vocabulary.
const PROMPT = [464, 2068, 7586, 21831, 18045, 50255, 50256];

let dir: string;
let session: InferenceSession;
let weights: Gpt2Weights;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gpt2-graph-'));
  const { nEmbd, nLayer, nHead, nPositions } = SHAPE;
  writeGpt2Model(join(dir, 'model'), {
    shape: { nEmbd, nLayer, nHead, nPositions },
    seed: SEED,
    externalData: false,
    chatTemplate: false,
  });
  weights = randomGpt2Weights(SHAPE, SEED);
  session = await openSession(join(dir, 'model'));
});

afterAll(async () => {
  await session?.release();
  rmSync(dir, { recursive: true, force: true });
});

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual).toHaveLength(SHAPE.vocabSize);
  expect(maxAbsDifference(actual, expected)).toBeLessThan(TOLERANCE);
}

test('logits for every prompt position match the plain TypeScript forward pass', async () => {
  const expected = referenceLogits(SHAPE, weights, PROMPT);
  const { logits } = await runStep(session, SHAPE, { inputIds: [PROMPT] });
  expect(logits[0]).toHaveLength(PROMPT.length);
  PROMPT.forEach((_, t) => expectClose(logits[0][t], expected[t]));
  // Random weights can still give flat logits; make sure the comparison had something to compare.
  const spread = Math.max(...expected[0]) - Math.min(...expected[0]);
  expect(spread).toBeGreaterThan(100 * TOLERANCE);
});

test('decoding with the returned KV cache matches the reference over the full sequence', async () => {
  const prompt = PROMPT.slice(0, 5);
  const next = [11, 290];
  const first = await runStep(session, SHAPE, { inputIds: [prompt] });
  const headDim = SHAPE.nEmbd / SHAPE.nHead;
  expect(first.present['past_key_values.1.value'].dims).toEqual([1, SHAPE.nHead, 5, headDim]);
  const second = await runStep(session, SHAPE, { inputIds: [[next[0]]], past: first.present });
  const third = await runStep(session, SHAPE, { inputIds: [[next[1]]], past: second.present });
  expect(third.present['past_key_values.0.key'].dims).toEqual([1, SHAPE.nHead, 7, headDim]);

  const expected = referenceLogits(SHAPE, weights, [...prompt, ...next]);
  expectClose(second.logits[0][0], expected[5]);
  expectClose(third.logits[0][0], expected[6]);
});

test('a left-padded row in a batch gets the logits it gets alone', async () => {
  const long = PROMPT.slice(0, 5);
  const short = [7454, 2402, 257];
  const pad = 50256;
  // As transformers.js builds them: positions count real tokens only; padding sits at 1.
  const batch = await runStep(session, SHAPE, {
    inputIds: [long, [pad, pad, ...short]],
    attentionMask: [
      [1, 1, 1, 1, 1],
      [0, 0, 1, 1, 1],
    ],
    positionIds: [
      [0, 1, 2, 3, 4],
      [1, 1, 0, 1, 2],
    ],
  });
  const alone = await runStep(session, SHAPE, { inputIds: [short] });
  short.forEach((_, t) => {
    expect(maxAbsDifference(batch.logits[1][2 + t], alone.logits[0][t])).toBeLessThan(TOLERANCE);
  });
  const expectedLong = referenceLogits(SHAPE, weights, long);
  long.forEach((_, t) => expectClose(batch.logits[0][t], expectedLong[t]));

  // One batched decode step on the padded cache still matches each row's own reference.
  const next = [[13], [262]];
  const step = await runStep(session, SHAPE, {
    inputIds: next,
    attentionMask: [
      [1, 1, 1, 1, 1, 1],
      [0, 0, 1, 1, 1, 1],
    ],
    positionIds: [[5], [3]],
    past: batch.present,
  });
  expectClose(step.logits[0][0], referenceLogits(SHAPE, weights, [...long, 13])[5]);
  expectClose(step.logits[1][0], referenceLogits(SHAPE, weights, [...short, 262])[3]);
});
