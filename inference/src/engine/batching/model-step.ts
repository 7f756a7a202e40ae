import { Tensor } from '@huggingface/transformers';
import { pastLength, type CacheTensors } from './kv-layout';

type ModelInputs = Record<string, unknown>;

/** The slice of a transformers.js decoder model the batcher drives (what its generate() calls). */
export interface ForwardModel {
  config: unknown;
  generation_config?: unknown;
  sessions?: Record<string, { inputNames: string[] }>;
  forward(inputs: ModelInputs): Promise<{ logits: Tensor } & Record<string, unknown>>;
  dispose(): Promise<unknown>;
}

/** One forward pass's input: per row, the tokens to read, where they start, and the padding. */
export interface StepRow {
  tokens: readonly number[];
  /** Position of the first token (the row's cached tokens). */
  position: number;
  /** Padding columns before the row's own ones in `past`. */
  padding: number;
}

export interface StepResult {
  logits: Tensor;
  present: CacheTensors;
}

/** Models whose positions count from 1 (transformers.js makes the same exception). */
const ONE_BASED_POSITIONS = new Set(['paligemma', 'gemma3_text', 'gemma3']);

/**
 * Runs one forward pass over a batch of rows of the same number of new tokens: input_ids,
 * an attention mask with zeros over each row's padding, per-row position_ids, and the cache.
 */
export class ModelStepper {
  private readonly positionBase: number;
  private readonly keepLastLogits: boolean;

  constructor(readonly model: ForwardModel) {
    const modelType = (model.config as { model_type?: string }).model_type ?? '';
    this.positionBase = ONE_BASED_POSITIONS.has(modelType) ? 1 : 0;
    const inputs = model.sessions?.model?.inputNames ?? [];
    this.keepLastLogits = inputs.includes('num_logits_to_keep');
  }

  /**
   * Whether rows of different lengths can share a pass: explicit positions, a mask, and a cache
   * of keys and values only (a recurrent state, as Mamba's, has no sequence axis to pad).
   */
  static canBatch(model: ForwardModel): boolean {
    const inputs = model.sessions?.model?.inputNames;
    if (!inputs?.includes('position_ids') || !inputs.includes('attention_mask')) return false;
    return inputs.every((name) => !name.startsWith('past_') || name.startsWith('past_key_values.'));
  }

  async run(rows: StepRow[], past: CacheTensors | undefined): Promise<StepResult> {
    const batch = rows.length;
    const length = rows[0].tokens.length;
    const width = (past ? pastLength(past) : 0) + length;
    const ids = new BigInt64Array(batch * length);
    const positions = new BigInt64Array(batch * length);
    const mask = new BigInt64Array(batch * width).fill(1n);
    rows.forEach((row, b) => {
      for (let s = 0; s < length; s++) {
        ids[b * length + s] = BigInt(row.tokens[s]);
        positions[b * length + s] = BigInt(this.positionBase + row.position + s);
      }
      mask.fill(0n, b * width, b * width + row.padding);
    });
    const inputs: ModelInputs = {
      input_ids: new Tensor('int64', ids, [batch, length]),
      attention_mask: new Tensor('int64', mask, [batch, width]),
      position_ids: new Tensor('int64', positions, [batch, length]),
      past_key_values: past,
    };
    if (this.keepLastLogits) inputs.num_logits_to_keep = new Tensor('int64', [1n], []);
    const outputs = await this.model.forward(inputs);
    const present: CacheTensors = {};
    for (const [name, value] of Object.entries(outputs)) {
      if (name.startsWith('present.'))
        present[name.replace('present', 'past_key_values')] = value as Tensor;
    }
    return { logits: outputs.logits, present };
  }
}

/**
 * The logits of row `b`'s last position. A view, not a copy: the sampler may modify it, and
 * nothing reads these logits after it.
 */
export function lastLogits(logits: Tensor, b: number): Float32Array {
  const [, sequence, vocab] = logits.dims;
  const data = logits.data as { subarray(start: number, end: number): ArrayLike<number> };
  const start = (b * sequence + sequence - 1) * vocab;
  const row = data.subarray(start, start + vocab);
  // fp16 models return Float16Array logits.
  return row instanceof Float32Array ? row : Float32Array.from(row);
}
