import { mkdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { GgmlType, GgufFileType, GgufValueType } from '../../src/engine/llamacpp/gguf-format';
import { writeGguf, type GgufEntry, type GgufTensor } from './gguf-writer';
import { encodeTensor } from './quantize';
import type { Gpt2Shape } from './shape';
import { CHAT_TEMPLATE, END_OF_TEXT, readGpt2Vocabulary } from './tokenizer';
import type { Gpt2Weights } from './weights';

/** The GGUF variants the builder writes, by the name used in file names and flags. */
export const GGUF_TYPES = { f32: GgmlType.F32, f16: GgmlType.F16, q8_0: GgmlType.Q8_0 } as const;
export type GgufTypeName = keyof typeof GGUF_TYPES;

const FILE_TYPES: Record<GgmlType, GgufFileType> = {
  [GgmlType.F32]: GgufFileType.ALL_F32,
  [GgmlType.F16]: GgufFileType.MOSTLY_F16,
  [GgmlType.Q8_0]: GgufFileType.MOSTLY_Q8_0,
};

/** llama.cpp's token types (llama_token_type): 1 normal, 3 control. */
const TOKEN_NORMAL = 1;
const TOKEN_CONTROL = 3;
const LN_EPSILON = 1e-5;

/** [rows, cols] row-major -> [cols, rows] row-major: Conv1D's [in, out] to ggml's rows of `in`. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  }
  return out;
}

const u32 = (value: number): GgufEntry => ({ type: GgufValueType.UINT32, value });

function metadata(shape: Gpt2Shape, type: GgmlType, name: string, chat: boolean) {
  const { vocab, merges } = readGpt2Vocabulary();
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(vocab)) tokens[id] = token;
  const eos = vocab[END_OF_TEXT];
  const entries: [string, GgufEntry][] = [
    ['general.architecture', { type: GgufValueType.STRING, value: 'gpt2' }],
    ['general.name', { type: GgufValueType.STRING, value: name }],
    ['general.file_type', u32(FILE_TYPES[type])],
    ['general.quantization_version', u32(2)],
    ['gpt2.context_length', u32(shape.nPositions)],
    ['gpt2.embedding_length', u32(shape.nEmbd)],
    ['gpt2.feed_forward_length', u32(4 * shape.nEmbd)],
    ['gpt2.block_count', u32(shape.nLayer)],
    ['gpt2.attention.head_count', u32(shape.nHead)],
    ['gpt2.attention.layer_norm_epsilon', { type: GgufValueType.FLOAT32, value: LN_EPSILON }],
    ['tokenizer.ggml.model', { type: GgufValueType.STRING, value: 'gpt2' }],
    ['tokenizer.ggml.pre', { type: GgufValueType.STRING, value: 'gpt-2' }],
    [
      'tokenizer.ggml.tokens',
      { type: GgufValueType.ARRAY, of: GgufValueType.STRING, value: tokens },
    ],
    [
      'tokenizer.ggml.token_type',
      {
        type: GgufValueType.ARRAY,
        of: GgufValueType.INT32,
        value: tokens.map((_, id) => (id === eos ? TOKEN_CONTROL : TOKEN_NORMAL)),
      },
    ],
    [
      'tokenizer.ggml.merges',
      { type: GgufValueType.ARRAY, of: GgufValueType.STRING, value: merges },
    ],
    ['tokenizer.ggml.bos_token_id', u32(eos)],
    ['tokenizer.ggml.eos_token_id', u32(eos)],
    // GPT-2's tokenizer adds no BOS token: prompts tokenize as in the ONNX model folder.
    ['tokenizer.ggml.add_bos_token', { type: GgufValueType.BOOL, value: false }],
  ];
  if (chat)
    entries.push(['tokenizer.chat_template', { type: GgufValueType.STRING, value: CHAT_TEMPLATE }]);
  return entries;
}

function tensors(shape: Gpt2Shape, w: Gpt2Weights, type: GgmlType): GgufTensor[] {
  const e = shape.nEmbd;
  // As llama.cpp's converter does: vectors and the position table stay F32, matrices take `type`.
  const vector = (name: string, values: Float32Array): GgufTensor => ({
    name,
    dims: [values.length],
    type: GgmlType.F32,
    data: encodeTensor(values, GgmlType.F32),
  });
  const matrix = (name: string, values: Float32Array, rowLength: number, t = type): GgufTensor => ({
    name,
    dims: [rowLength, values.length / rowLength],
    type: t,
    data: encodeTensor(values, t),
  });
  const out: GgufTensor[] = [
    // The output projection is tied: without output.weight, llama.cpp reuses token_embd.
    matrix('token_embd.weight', w.tokenEmbedding, e),
    matrix('position_embd.weight', w.positionEmbedding, e, GgmlType.F32),
    vector('output_norm.weight', w.lnFGamma),
    vector('output_norm.bias', w.lnFBeta),
  ];
  w.layers.forEach((l, i) => {
    const p = `blk.${i}`;
    out.push(
      vector(`${p}.attn_norm.weight`, l.ln1Gamma),
      vector(`${p}.attn_norm.bias`, l.ln1Beta),
      matrix(`${p}.attn_qkv.weight`, transpose(l.attnWeight, e, 3 * e), e),
      vector(`${p}.attn_qkv.bias`, l.attnBias),
      matrix(`${p}.attn_output.weight`, transpose(l.attnProjWeight, e, e), e),
      vector(`${p}.attn_output.bias`, l.attnProjBias),
      vector(`${p}.ffn_norm.weight`, l.ln2Gamma),
      vector(`${p}.ffn_norm.bias`, l.ln2Beta),
      matrix(`${p}.ffn_up.weight`, transpose(l.fcWeight, e, 4 * e), e),
      vector(`${p}.ffn_up.bias`, l.fcBias),
      matrix(`${p}.ffn_down.weight`, transpose(l.fcProjWeight, 4 * e, e), 4 * e),
      vector(`${p}.ffn_down.bias`, l.fcProjBias),
    );
  });
  return out;
}

export interface GgufBuildOptions {
  shape: Gpt2Shape;
  weights: Gpt2Weights;
  type: GgmlType;
  /** general.name */
  name: string;
  chatTemplate: boolean;
}

/**
 * Writes the GPT-2 model as llama.cpp's converter would (tensor names, metadata keys, GPT-2 BPE
 * vocabulary and merges), with the weights the ONNX model has. Returns the file's size.
 */
export function writeGpt2Gguf(path: string, options: GgufBuildOptions): number {
  const { shape, weights, type } = options;
  return writeGguf(
    path,
    metadata(shape, type, options.name, options.chatTemplate),
    tensors(shape, weights, type),
  );
}

export interface GgufFilesOptions {
  shape: Gpt2Shape;
  weights: Gpt2Weights;
  types: readonly GgufTypeName[];
  /** Files are named `<baseName>-<type>.gguf`. */
  baseName: string;
  chatTemplate: boolean;
}

/** The file `writeGpt2GgufFiles` writes for `type`. */
export function ggufFileName(baseName: string, type: GgufTypeName): string {
  return `${baseName}-${type}.gguf`;
}

/**
 * Writes one GGUF file per type into `dir`, each under a temporary name renamed into place, so
 * an interrupted build never leaves a half-written model. Returns the paths written.
 */
export function writeGpt2GgufFiles(dir: string, options: GgufFilesOptions): string[] {
  mkdirSync(dir, { recursive: true });
  return options.types.map((typeName) => {
    const path = join(dir, ggufFileName(options.baseName, typeName));
    const partial = `${path}.partial-${process.pid}`;
    writeGpt2Gguf(partial, {
      shape: options.shape,
      weights: options.weights,
      type: GGUF_TYPES[typeName],
      name: `llm-deploy ${options.baseName}`,
      chatTemplate: options.chatTemplate,
    });
    renameSync(partial, path);
    return path;
  });
}
