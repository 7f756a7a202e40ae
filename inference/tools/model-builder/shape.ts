/** The hyper-parameters of a GPT-2-architecture causal language model. */
export interface Gpt2Shape {
  vocabSize: number;
  nEmbd: number;
  nLayer: number;
  nHead: number;
  nPositions: number;
}

export interface Preset {
  shape: Omit<Gpt2Shape, 'vocabSize'>;
  /** Write weights to `onnx/model.onnx_data` (needed past protobuf's 2 GB, and loads faster). */
  externalData: boolean;
  /** Ship a chat template in tokenizer_config.json. */
  chatTemplate: boolean;
}

/** GPT-2's BPE vocabulary size: 50,000 merges + 256 bytes + `<|endoftext|>`. */
export const GPT2_VOCAB_SIZE = 50257;

export const PRESETS: Record<string, Preset> = {
  // About 13 MB: the tests' model and the embedded default.
  tiny: {
    shape: { nEmbd: 64, nLayer: 2, nHead: 4, nPositions: 512 },
    externalData: false,
    chatTemplate: true,
  },
  // GPT-2 small (124M parameters): for benchmarks, built on demand.
  'gpt2-small': {
    shape: { nEmbd: 768, nLayer: 12, nHead: 12, nPositions: 1024 },
    externalData: true,
    chatTemplate: false,
  },
};

/**
 * Every problem with `shape`, each naming the offending value; `nameOf` lets a caller speak in
 * its own terms (the CLI's flags) rather than the field names.
 */
export function validateShape(
  shape: Gpt2Shape,
  nameOf: (key: keyof Gpt2Shape) => string = (key) => key,
): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(shape) as (keyof Gpt2Shape)[]) {
    const value = shape[key];
    if (!Number.isInteger(value) || value <= 0) {
      problems.push(`${nameOf(key)} (${value}) must be a positive integer`);
    }
  }
  if (shape.nEmbd % shape.nHead !== 0) {
    problems.push(
      `${nameOf('nEmbd')} (${shape.nEmbd}) must be divisible by ${nameOf('nHead')} (${shape.nHead})`,
    );
  }
  return problems;
}
