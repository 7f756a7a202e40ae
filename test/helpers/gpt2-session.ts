/**
 * Runs a built GPT-2 ONNX graph with onnxruntime-node directly, feeding exactly the inputs
 * transformers.js would: input_ids, attention_mask, position_ids and a KV cache per layer.
 */
import { InferenceSession, Tensor } from 'onnxruntime-node';
import type { Gpt2Shape } from '../../inference/tools/model-builder';

export type KvCache = Record<string, Tensor>;

export interface StepInput {
  /** [batch][sequence] token ids. */
  inputIds: number[][];
  /** [batch][past + sequence]: 1 for a real token, 0 for padding. Defaults to all ones. */
  attentionMask?: number[][];
  /** [batch][sequence]. Defaults to past .. past + sequence - 1 for every row. */
  positionIds?: number[][];
  /** `present.*` of the previous step; empty ([batch, n_head, 0, head_dim]) when absent. */
  past?: KvCache;
}

export interface StepOutput {
  /** logits[row][position] is that position's vocabulary-sized logit vector. */
  logits: Float32Array[][];
  /** Keyed as the next step's inputs (`past_key_values.{i}.key/value`). */
  present: KvCache;
}

export function openSession(modelDir: string): Promise<InferenceSession> {
  return InferenceSession.create(`${modelDir}/onnx/model.onnx`, { intraOpNumThreads: 1 });
}

export async function runStep(
  session: InferenceSession,
  shape: Gpt2Shape,
  input: StepInput,
): Promise<StepOutput> {
  const batch = input.inputIds.length;
  const sequence = input.inputIds[0].length;
  const pastLength = input.past ? input.past['past_key_values.0.key'].dims[2] : 0;
  const attentionMask =
    input.attentionMask ?? input.inputIds.map(() => new Array(pastLength + sequence).fill(1));
  const positionIds =
    input.positionIds ??
    input.inputIds.map(() => Array.from({ length: sequence }, (_, i) => pastLength + i));
  const feeds: Record<string, Tensor> = {
    input_ids: int64(input.inputIds),
    attention_mask: int64(attentionMask),
    position_ids: int64(positionIds),
    ...(input.past ?? emptyCache(shape, batch)),
  };
  const results = await session.run(feeds);
  const present: KvCache = {};
  for (let i = 0; i < shape.nLayer; i++) {
    present[`past_key_values.${i}.key`] = results[`present.${i}.key`] as Tensor;
    present[`past_key_values.${i}.value`] = results[`present.${i}.value`] as Tensor;
  }
  return { logits: splitLogits(results.logits as Tensor), present };
}

function emptyCache(shape: Gpt2Shape, batch: number): KvCache {
  const headDim = shape.nEmbd / shape.nHead;
  const cache: KvCache = {};
  for (let i = 0; i < shape.nLayer; i++) {
    for (const kind of ['key', 'value']) {
      cache[`past_key_values.${i}.${kind}`] = new Tensor('float32', new Float32Array(0), [
        batch,
        shape.nHead,
        0,
        headDim,
      ]);
    }
  }
  return cache;
}

function int64(rows: number[][]): Tensor {
  const data = BigInt64Array.from(rows.flat().map(BigInt));
  return new Tensor('int64', data, [rows.length, rows[0].length]);
}

function splitLogits(tensor: Tensor): Float32Array[][] {
  const [batch, sequence, vocab] = tensor.dims;
  const data = tensor.data as Float32Array;
  return Array.from({ length: batch }, (_, b) =>
    Array.from({ length: sequence }, (_unused, t) =>
      data.subarray((b * sequence + t) * vocab, (b * sequence + t + 1) * vocab),
    ),
  );
}

/** The largest |a[i] - b[i]|; throws if the lengths differ. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} != ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}
