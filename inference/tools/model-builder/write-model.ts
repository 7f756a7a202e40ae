import {
  closeSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { buildGpt2Graph } from './gpt2-graph';
import { GPT2_VOCAB_SIZE, type Gpt2Shape } from './shape';
import { gpt2TokenizerJson, tokenizerConfig } from './tokenizer';
import { randomGpt2Weights, type Gpt2Weights } from './weights';

export interface BuildOptions {
  shape: Omit<Gpt2Shape, 'vocabSize'>;
  seed: number;
  externalData: boolean;
  chatTemplate: boolean;
}

export interface BuiltModel {
  dir: string;
  shape: Gpt2Shape;
  parameters: number;
  weights: Gpt2Weights;
}

const EOS_TOKEN_ID = GPT2_VOCAB_SIZE - 1;

/**
 * Writes a GPT-2 model folder as transformers.js loads it. Files go to a temporary sibling that is
 * renamed into place at the end, so an interrupted build never leaves a half-written model.
 */
export function writeGpt2Model(dir: string, options: BuildOptions): BuiltModel {
  const shape: Gpt2Shape = { ...options.shape, vocabSize: GPT2_VOCAB_SIZE };
  const staging = `${dir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(join(staging, 'onnx'), { recursive: true });

  const weights = randomGpt2Weights(shape, options.seed);
  const graph = buildGpt2Graph(shape, weights);
  let model: Uint8Array;
  if (options.externalData) {
    const fd = openSync(join(staging, 'onnx', 'model.onnx_data'), 'w');
    try {
      model = graph.toModel({ name: 'model.onnx_data', sink: (bytes) => writeAll(fd, bytes) });
    } finally {
      closeSync(fd);
    }
  } else {
    model = graph.toModel();
  }
  writeFileSync(join(staging, 'onnx', 'model.onnx'), model);

  const { json: tokenizer, vocabSize } = gpt2TokenizerJson();
  if (vocabSize !== shape.vocabSize)
    throw new Error(`GPT-2 vocabulary has ${vocabSize} tokens, expected ${shape.vocabSize}`);
  writeJson(join(staging, 'tokenizer.json'), tokenizer);
  writeJson(
    join(staging, 'tokenizer_config.json'),
    tokenizerConfig(shape.nPositions, options.chatTemplate),
  );
  writeJson(join(staging, 'config.json'), configJson(shape, options.externalData));
  writeJson(join(staging, 'generation_config.json'), {
    bos_token_id: EOS_TOKEN_ID,
    eos_token_id: EOS_TOKEN_ID,
  });

  rmSync(dir, { recursive: true, force: true });
  renameSync(staging, dir);
  return { dir, shape, parameters: countParameters(weights), weights };
}

function configJson(shape: Gpt2Shape, externalData: boolean): object {
  return {
    model_type: 'gpt2',
    architectures: ['GPT2LMHeadModel'],
    vocab_size: shape.vocabSize,
    n_positions: shape.nPositions,
    n_ctx: shape.nPositions,
    n_embd: shape.nEmbd,
    n_layer: shape.nLayer,
    n_head: shape.nHead,
    activation_function: 'gelu_new',
    layer_norm_epsilon: 1e-5,
    bos_token_id: EOS_TOKEN_ID,
    eos_token_id: EOS_TOKEN_ID,
    tie_word_embeddings: true,
    ...(externalData ? { 'transformers.js_config': { use_external_data_format: true } } : {}),
  };
}

function countParameters(w: Gpt2Weights): number {
  const layer = (l: Gpt2Weights['layers'][number]) =>
    Object.values(l).reduce((n, a: Float32Array) => n + a.length, 0);
  return (
    w.tokenEmbedding.length +
    w.positionEmbedding.length +
    w.lnFGamma.length +
    w.lnFBeta.length +
    w.layers.reduce((n, l) => n + layer(l), 0)
  );
}

function writeJson(path: string, value: object): void {
  writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let written = 0;
  while (written < bytes.byteLength) written += writeSync(fd, bytes, written);
}
