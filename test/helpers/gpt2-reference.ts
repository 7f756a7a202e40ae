/**
 * GPT-2's forward pass in plain TypeScript, no ONNX: the independent reference the built ONNX
 * graph is checked against. Written from the GPT-2 definition (Radford et al. 2019; Hugging Face's
 * GPT2LMHeadModel), not from the graph builder, and accumulated in float64 so that its own
 * rounding is far below the tolerance the tests apply to ONNX Runtime's float32.
 */
import type { Gpt2Shape, Gpt2Weights, LayerWeights } from '../../inference/tools/model-builder';

const LAYER_NORM_EPSILON = 1e-5;
type Vector = Float64Array<ArrayBuffer>;

/** Logits for every position of `tokenIds` (one sequence, no padding): [position][vocab]. */
export function referenceLogits(
  shape: Gpt2Shape,
  weights: Gpt2Weights,
  tokenIds: number[],
): Float64Array[] {
  if (tokenIds.length > shape.nPositions)
    throw new Error(`${tokenIds.length} tokens exceed nPositions (${shape.nPositions})`);
  const e = shape.nEmbd;
  let hidden = tokenIds.map((token, position) => {
    const x = new Float64Array(e);
    for (let j = 0; j < e; j++)
      x[j] = weights.tokenEmbedding[token * e + j] + weights.positionEmbedding[position * e + j];
    return x;
  });
  for (const layer of weights.layers) {
    const attention = causalSelfAttention(
      shape,
      layer,
      hidden.map((x) => layerNorm(x, layer.ln1Gamma, layer.ln1Beta)),
    );
    hidden = hidden.map((x, t) => add(x, attention[t]));
    hidden = hidden.map((x) => add(x, mlp(layer, layerNorm(x, layer.ln2Gamma, layer.ln2Beta))));
  }
  return hidden.map((x) =>
    tiedOutputProjection(shape, weights, layerNorm(x, weights.lnFGamma, weights.lnFBeta)),
  );
}

export interface GreedyResult {
  /** The generated tokens, prompt excluded; ends early at `eosTokenId`. */
  tokens: number[];
  /** The smallest gap between the best and second-best logit over all steps. */
  smallestMargin: number;
}

/** Greedy decoding by re-running the full sequence each step (slow, obviously right). */
export function referenceGreedy(
  shape: Gpt2Shape,
  weights: Gpt2Weights,
  prompt: number[],
  maxNewTokens: number,
  eosTokenId: number,
): GreedyResult {
  const sequence = [...prompt];
  const tokens: number[] = [];
  let smallestMargin = Infinity;
  for (let step = 0; step < maxNewTokens; step++) {
    const logits = referenceLogits(shape, weights, sequence);
    const { best, margin } = topOne(logits[logits.length - 1]);
    smallestMargin = Math.min(smallestMargin, margin);
    tokens.push(best);
    sequence.push(best);
    if (best === eosTokenId) break;
  }
  return { tokens, smallestMargin };
}

function topOne(logits: ArrayLike<number>): { best: number; margin: number } {
  let best = 0;
  let second = -Infinity;
  for (let i = 1; i < logits.length; i++) {
    if (logits[i] > logits[best]) {
      second = logits[best];
      best = i;
    } else if (logits[i] > second) {
      second = logits[i];
    }
  }
  return { best, margin: logits[best] - second };
}

export function argmax(logits: ArrayLike<number>): number {
  return topOne(logits).best;
}

function causalSelfAttention(shape: Gpt2Shape, layer: LayerWeights, xs: Vector[]): Vector[] {
  const e = shape.nEmbd;
  const headDim = e / shape.nHead;
  // c_attn is a Conv1D: [in, out] with out = query | key | value.
  const qkv = xs.map((x) => matVec(x, layer.attnWeight, 3 * e, layer.attnBias));
  const scale = 1 / Math.sqrt(headDim);
  return qkv.map((_, t) => {
    const merged = new Float64Array(e);
    for (let h = 0; h < shape.nHead; h++) {
      const offset = h * headDim;
      // Query t attends to keys 0..t only.
      const scores = Array.from({ length: t + 1 }, (_unused, s) => {
        let dot = 0;
        for (let d = 0; d < headDim; d++) dot += qkv[t][offset + d] * qkv[s][e + offset + d];
        return dot * scale;
      });
      const probs = softmax(scores);
      for (let s = 0; s <= t; s++)
        for (let d = 0; d < headDim; d++)
          merged[offset + d] += probs[s] * qkv[s][2 * e + offset + d];
    }
    return matVec(merged, layer.attnProjWeight, e, layer.attnProjBias);
  });
}

function mlp(layer: LayerWeights, x: Vector): Vector {
  const inner = matVec(x, layer.fcWeight, layer.fcBias.length, layer.fcBias).map(geluNew);
  return matVec(inner, layer.fcProjWeight, layer.fcProjBias.length, layer.fcProjBias);
}

/** GPT-2's gelu_new, the tanh approximation of GELU. */
function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

function layerNorm(x: Vector, gamma: Float32Array, beta: Float32Array): Vector {
  const mean = x.reduce((sum, v) => sum + v, 0) / x.length;
  const variance = x.reduce((sum, v) => sum + (v - mean) ** 2, 0) / x.length;
  const inverseStd = 1 / Math.sqrt(variance + LAYER_NORM_EPSILON);
  return x.map((v, j) => (v - mean) * inverseStd * gamma[j] + beta[j]);
}

/** x [in] times w [in, out] (row-major) plus bias [out]. */
function matVec(x: Vector, w: Float32Array, out: number, bias: Float32Array): Vector {
  const y = Float64Array.from(bias);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i];
    const row = i * out;
    for (let j = 0; j < out; j++) y[j] += xi * w[row + j];
  }
  return y;
}

/** The output projection shares the token embedding: logit[v] = x . wte[v]. */
function tiedOutputProjection(shape: Gpt2Shape, weights: Gpt2Weights, x: Vector): Float64Array {
  const e = shape.nEmbd;
  const logits = new Float64Array(shape.vocabSize);
  for (let v = 0; v < shape.vocabSize; v++) {
    let dot = 0;
    for (let j = 0; j < e; j++) dot += x[j] * weights.tokenEmbedding[v * e + j];
    logits[v] = dot;
  }
  return logits;
}

function softmax(scores: number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((s) => Math.exp(s - max));
  const total = exps.reduce((sum, v) => sum + v, 0);
  return exps.map((v) => v / total);
}

function add(a: Vector, b: Vector): Vector {
  return a.map((v, j) => v + b[j]);
}
