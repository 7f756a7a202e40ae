import type { Gpt2Shape } from './shape';

export interface LayerWeights {
  ln1Gamma: Float32Array;
  ln1Beta: Float32Array;
  /** [nEmbd, 3 * nEmbd]: query, key and value projections side by side. */
  attnWeight: Float32Array;
  attnBias: Float32Array;
  /** [nEmbd, nEmbd] */
  attnProjWeight: Float32Array;
  attnProjBias: Float32Array;
  ln2Gamma: Float32Array;
  ln2Beta: Float32Array;
  /** [nEmbd, 4 * nEmbd] */
  fcWeight: Float32Array;
  fcBias: Float32Array;
  /** [4 * nEmbd, nEmbd] */
  fcProjWeight: Float32Array;
  fcProjBias: Float32Array;
}

export interface Gpt2Weights {
  /** [vocabSize, nEmbd]; also the (tied) output projection. */
  tokenEmbedding: Float32Array;
  /** [nPositions, nEmbd] */
  positionEmbedding: Float32Array;
  layers: LayerWeights[];
  lnFGamma: Float32Array;
  lnFBeta: Float32Array;
}

/** mulberry32: a small, fast, well-distributed 32-bit PRNG; same seed, same weights everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard deviation times sqrt(fan-in) of the projection matrices (see below). */
const PROJECTION_GAIN = 1.6;

/**
 * Deterministic random GPT-2 weights. Uniform noise scaled to the given standard deviation
 * (cheaper than Gaussian for 124M values and just as good for a test model).
 */
export function randomGpt2Weights(shape: Gpt2Shape, seed: number): Gpt2Weights {
  const random = mulberry32(seed);
  const noise = (size: number, std: number, mean = 0): Float32Array => {
    const out = new Float32Array(size);
    const halfWidth = std * Math.sqrt(3);
    for (let i = 0; i < size; i++) out[i] = mean + (random() * 2 - 1) * halfWidth;
    return out;
  };
  const e = shape.nEmbd;
  // Projections scaled by fan-in, so that each block's output is about as large as its input.
  // With GPT-2's fixed 0.02 the blocks barely touch the residual stream of a narrow model: the
  // tied output projection then maps every position back to its own input token and greedy
  // decoding repeats the last prompt token forever, whatever came before it.
  const projection = (fanIn: number, fanOut: number) =>
    noise(fanIn * fanOut, PROJECTION_GAIN / Math.sqrt(fanIn));
  const layers: LayerWeights[] = [];
  for (let i = 0; i < shape.nLayer; i++) {
    layers.push({
      ln1Gamma: noise(e, 0.1, 1),
      ln1Beta: noise(e, 0.02),
      attnWeight: projection(e, 3 * e),
      attnBias: noise(3 * e, 0.02),
      attnProjWeight: projection(e, e),
      attnProjBias: noise(e, 0.02),
      ln2Gamma: noise(e, 0.1, 1),
      ln2Beta: noise(e, 0.02),
      fcWeight: projection(e, 4 * e),
      fcBias: noise(4 * e, 0.02),
      fcProjWeight: projection(4 * e, e),
      fcProjBias: noise(e, 0.02),
    });
  }
  return {
    tokenEmbedding: noise(shape.vocabSize * e, 0.1),
    positionEmbedding: noise(shape.nPositions * e, 0.01),
    layers,
    lnFGamma: noise(e, 0.1, 1),
    lnFBeta: noise(e, 0.02),
  };
}
