import { onnx } from 'onnx-proto';
import { GraphBuilder } from './onnx-builder';
import type { Gpt2Shape } from './shape';
import type { Gpt2Weights, LayerWeights } from './weights';

const { FLOAT, INT64, BOOL } = onnx.TensorProto.DataType;
const LN_EPSILON = 1e-5;

/**
 * GPT-2 with a KV cache, in the input/output layout transformers.js expects of decoder-only
 * models: input_ids, attention_mask, position_ids, past_key_values.{i}.key/value in; logits and
 * present.{i}.key/value out. Caches are [batch_size, n_head, sequence, head_dim].
 */
export function buildGpt2Graph(shape: Gpt2Shape, weights: Gpt2Weights): GraphBuilder {
  const g = new GraphBuilder();
  const e = shape.nEmbd;
  const headDim = e / shape.nHead;
  const inputIds = g.input('input_ids', INT64, ['batch_size', 'sequence_length']);
  const attentionMask = g.input('attention_mask', INT64, ['batch_size', 'total_sequence_length']);
  const positionIds = g.input('position_ids', INT64, ['batch_size', 'sequence_length']);

  const wte = g.float('transformer.wte.weight', [shape.vocabSize, e], weights.tokenEmbedding);
  const wpe = g.float('transformer.wpe.weight', [shape.nPositions, e], weights.positionEmbedding);
  let hidden = g.op('Add', [
    g.op('Gather', [wte, inputIds], { axis: 0 }),
    g.op('Gather', [wpe, positionIds], { axis: 0 }),
  ]);
  const additiveMask = buildAttentionMask(g, inputIds, attentionMask);
  const shapes = {
    heads: g.int64('shape_heads', [4], [0, 0, shape.nHead, headDim]),
    merged: g.int64('shape_merged', [3], [0, 0, e]),
    split: g.int64('split_qkv', [3], [e, e, e]),
    scale: g.float('attn_scale', [], [1 / Math.sqrt(headDim)]),
  };
  for (let i = 0; i < shape.nLayer; i++) {
    const pastKey = g.input(`past_key_values.${i}.key`, FLOAT, [
      'batch_size',
      shape.nHead,
      'past_sequence_length',
      headDim,
    ]);
    const pastValue = g.input(`past_key_values.${i}.value`, FLOAT, [
      'batch_size',
      shape.nHead,
      'past_sequence_length',
      headDim,
    ]);
    const layer = weights.layers[i];
    const p = `transformer.h.${i}`;
    const attention = attentionBlock(g, {
      shape,
      layer,
      p,
      i,
      hidden,
      pastKey,
      pastValue,
      additiveMask,
      shapes,
    });
    hidden = g.op('Add', [hidden, attention]);
    hidden = g.op('Add', [hidden, mlpBlock(g, e, layer, p, hidden)]);
  }
  const final = layerNorm(g, hidden, 'transformer.ln_f', weights.lnFGamma, weights.lnFBeta);
  // Tied output projection: Gemm with transB reads wte as is, no transposed copy.
  const flat = g.op('Reshape', [final, g.int64('shape_flat', [2], [-1, e])]);
  const logitsFlat = g.op('Gemm', [flat, wte], { transB: 1 });
  const logitsShape = g.op(
    'Concat',
    [g.op('Shape', [inputIds]), g.int64('vocab_dim', [1], [shape.vocabSize])],
    { axis: 0 },
  );
  g.node('Reshape', [logitsFlat, logitsShape], {}, ['logits']);
  g.output('logits', FLOAT, ['batch_size', 'sequence_length', shape.vocabSize]);
  return g;
}

/** [batch, 1, seq, total] additive mask: 0 where a query may attend (causal and not padding), -1e9 elsewhere. */
function buildAttentionMask(g: GraphBuilder, inputIds: string, attentionMask: string): string {
  const axis0 = g.int64('axes_0', [1], [0]);
  const scalarDim = (tensor: string, dim: number) =>
    g.op('Squeeze', [g.op('Shape', [tensor], { start: dim, end: dim + 1 }), axis0]);
  const total = scalarDim(attentionMask, 1);
  const sequence = scalarDim(inputIds, 1);
  const past = g.op('Sub', [total, sequence]);
  const zero = g.int64('zero', [], [0]);
  const one = g.int64('one', [], [1]);
  const rows = g.op('Unsqueeze', [g.op('Range', [past, total, one]), g.int64('axes_1', [1], [1])]);
  const cols = g.op('Unsqueeze', [g.op('Range', [zero, total, one]), axis0]);
  const causal = g.op('LessOrEqual', [cols, rows]);
  const notPadding = g.op('Unsqueeze', [
    g.op('Cast', [attentionMask], { to: BOOL }),
    g.int64('axes_1_2', [2], [1, 2]),
  ]);
  const allowed = g.op('And', [causal, notPadding]);
  return g.op('Where', [
    allowed,
    g.float('mask_open', [], [0]),
    g.float('mask_closed', [], [-1e9]),
  ]);
}

interface AttentionArgs {
  shape: Gpt2Shape;
  layer: LayerWeights;
  p: string;
  i: number;
  hidden: string;
  pastKey: string;
  pastValue: string;
  additiveMask: string;
  shapes: { heads: string; merged: string; split: string; scale: string };
}

function attentionBlock(g: GraphBuilder, a: AttentionArgs): string {
  const e = a.shape.nEmbd;
  const headDim = e / a.shape.nHead;
  const x = layerNorm(g, a.hidden, `${a.p}.ln_1`, a.layer.ln1Gamma, a.layer.ln1Beta);
  const qkv = linear(g, x, `${a.p}.attn.c_attn`, [e, 3 * e], a.layer.attnWeight, a.layer.attnBias);
  const [q, k, v] = g.node('Split', [qkv, a.shapes.split], { axis: 2 }, 3);
  const toHeads = (t: string) =>
    g.op('Transpose', [g.op('Reshape', [t, a.shapes.heads])], { perm: [0, 2, 1, 3] });
  const presentKey = `present.${a.i}.key`;
  const presentValue = `present.${a.i}.value`;
  g.node('Concat', [a.pastKey, toHeads(k)], { axis: 2 }, [presentKey]);
  g.node('Concat', [a.pastValue, toHeads(v)], { axis: 2 }, [presentValue]);
  for (const name of [presentKey, presentValue]) {
    g.output(name, FLOAT, ['batch_size', a.shape.nHead, 'total_sequence_length', headDim]);
  }
  const keyT = g.op('Transpose', [presentKey], { perm: [0, 1, 3, 2] });
  const scores = g.op('Mul', [g.op('MatMul', [toHeads(q), keyT]), a.shapes.scale]);
  const probs = g.op('Softmax', [g.op('Add', [scores, a.additiveMask])], { axis: -1 });
  const context = g.op('MatMul', [probs, presentValue]);
  const merged = g.op('Reshape', [
    g.op('Transpose', [context], { perm: [0, 2, 1, 3] }),
    a.shapes.merged,
  ]);
  return linear(
    g,
    merged,
    `${a.p}.attn.c_proj`,
    [e, e],
    a.layer.attnProjWeight,
    a.layer.attnProjBias,
  );
}

function mlpBlock(
  g: GraphBuilder,
  e: number,
  layer: LayerWeights,
  p: string,
  hidden: string,
): string {
  const x = layerNorm(g, hidden, `${p}.ln_2`, layer.ln2Gamma, layer.ln2Beta);
  const fc = linear(g, x, `${p}.mlp.c_fc`, [e, 4 * e], layer.fcWeight, layer.fcBias);
  return linear(
    g,
    geluTanh(g, fc, p),
    `${p}.mlp.c_proj`,
    [4 * e, e],
    layer.fcProjWeight,
    layer.fcProjBias,
  );
}

function linear(
  g: GraphBuilder,
  x: string,
  name: string,
  dims: [number, number],
  w: Float32Array,
  b: Float32Array,
): string {
  return g.op('Add', [
    g.op('MatMul', [x, g.float(`${name}.weight`, dims, w)]),
    g.float(`${name}.bias`, [dims[1]], b),
  ]);
}

function layerNorm(
  g: GraphBuilder,
  x: string,
  name: string,
  gamma: Float32Array,
  beta: Float32Array,
): string {
  const scale = g.float(`${name}.weight`, [gamma.length], gamma);
  const bias = g.float(`${name}.bias`, [beta.length], beta);
  return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: LN_EPSILON } });
}

/** GPT-2's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). The Gelu op needs opset 20. */
function geluTanh(g: GraphBuilder, x: string, p: string): string {
  const c = (name: string, value: number) => g.float(`${p}.gelu.${name}`, [], [value]);
  const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
  const inner = g.op('Mul', [
    g.op('Add', [x, g.op('Mul', [cube, c('k', 0.044715)])]),
    c('sqrt_2_pi', Math.sqrt(2 / Math.PI)),
  ]);
  const tanhPlusOne = g.op('Add', [g.op('Tanh', [inner]), c('one', 1)]);
  return g.op('Mul', [g.op('Mul', [x, c('half', 0.5)]), tanhPlusOne]);
}
