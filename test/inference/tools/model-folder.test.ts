/**
 * The built folder as the server consumes it: transformers.js loads it offline and greedy
 * `generate` reproduces the plain TypeScript reference, with weights inline or in external data.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  LogitsProcessor,
  LogitsProcessorList,
  type Tensor,
} from '@huggingface/transformers';
import {
  GPT2_VOCAB_SIZE,
  randomGpt2Weights,
  writeGpt2Model,
  type Gpt2Shape,
} from '../../../inference/tools/model-builder';
import { referenceGreedy, referenceLogits } from '../../helpers/gpt2-reference';
import { maxAbsDifference } from '../../helpers/gpt2-session';

const SHAPE: Gpt2Shape = {
  nEmbd: 40,
  nLayer: 2,
  nHead: 5,
  nPositions: 64,
  vocabSize: GPT2_VOCAB_SIZE,
};
const SEED = 424242;
const EOS_TOKEN_ID = GPT2_VOCAB_SIZE - 1;
const PROMPT = 'The quick brown fox';
// GPT-2's own ids for the prompt: the tokenizer must be GPT-2's, not merely some BPE.
const PROMPT_IDS = [464, 2068, 7586, 21831];
const NEW_TOKENS = 6;
const TOLERANCE = 2e-5;

let root: string;

beforeAll(() => {
  env.allowRemoteModels = false;
  root = mkdtempSync(join(tmpdir(), 'model-folder-'));
  const { nEmbd, nLayer, nHead, nPositions } = SHAPE;
  for (const externalData of [false, true]) {
    writeGpt2Model(folder(externalData), {
      shape: { nEmbd, nLayer, nHead, nPositions },
      seed: SEED,
      externalData,
      chatTemplate: true,
    });
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

function folder(externalData: boolean): string {
  return join(root, externalData ? 'external' : 'inline');
}

/** Keeps a copy of the logits each decoding step hands to the sampler, leaving them unchanged. */
class LogitsRecorder extends LogitsProcessor {
  readonly steps: Float32Array[] = [];
  override _call(_inputIds: bigint[][], logits: Tensor): Tensor {
    this.steps.push(Float32Array.from(logits.data as Float32Array));
    return logits;
  }
}

interface Generation {
  promptIds: number[];
  newIds: number[];
  /** Per generated token, the logits it was chosen from. */
  stepLogits: Float32Array[];
}

/** Loads `dir` with transformers.js and greedily generates NEW_TOKENS after PROMPT. */
async function generateWithTransformersJs(dir: string): Promise<Generation> {
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const model = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu' });
  try {
    const inputs = tokenizer(PROMPT);
    const promptIds = Array.from(inputs.input_ids.data as BigInt64Array, Number);
    const recorder = new LogitsRecorder();
    const logitsProcessor = new LogitsProcessorList();
    logitsProcessor.push(recorder);
    const output = (await model.generate({
      ...inputs,
      max_new_tokens: NEW_TOKENS,
      do_sample: false,
      logits_processor: logitsProcessor,
    })) as Tensor;
    const newIds = Array.from(output.data as BigInt64Array, Number).slice(promptIds.length);
    return { promptIds, newIds, stepLogits: recorder.steps };
  } finally {
    await model.dispose();
  }
}

test('transformers.js generates, greedily, the argmax sequence of the reference forward pass', async () => {
  const weights = randomGpt2Weights(SHAPE, SEED);
  const expected = referenceGreedy(SHAPE, weights, PROMPT_IDS, NEW_TOKENS, EOS_TOKEN_ID);
  // A near-tie between the top two logits would make float32 and float64 disagree by chance.
  expect(expected.smallestMargin).toBeGreaterThan(1e-3);
  // A model that only echoes its last input token would make this comparison blind to context.
  expect(new Set(expected.tokens).size).toBeGreaterThan(2);

  const generated = await generateWithTransformersJs(folder(false));
  expect(generated.promptIds).toEqual(PROMPT_IDS);
  expect(generated.newIds).toEqual(expected.tokens);
  // Every step, the first from the prompt and the rest from the KV cache, saw the right logits.
  const reference = referenceLogits(SHAPE, weights, [...PROMPT_IDS, ...expected.tokens]);
  expect(generated.stepLogits).toHaveLength(NEW_TOKENS);
  generated.stepLogits.forEach((logits, step) => {
    const position = PROMPT_IDS.length - 1 + step;
    expect(maxAbsDifference(logits, reference[position])).toBeLessThan(TOLERANCE);
  });
});

test('external data: weights live in model.onnx_data and generation is unchanged', async () => {
  const onnxDir = join(folder(true), 'onnx');
  const graphBytes = statSync(join(onnxDir, 'model.onnx')).size;
  const dataBytes = statSync(join(onnxDir, 'model.onnx_data')).size;
  const inlineBytes = statSync(join(folder(false), 'onnx', 'model.onnx')).size;
  // The embedding alone is vocab x nEmbd floats; all of it must be outside the graph file.
  expect(dataBytes).toBeGreaterThan(SHAPE.vocabSize * SHAPE.nEmbd * 4);
  expect(graphBytes).toBeLessThan(100 * 1024);
  expect(graphBytes + dataBytes).toBeGreaterThanOrEqual(inlineBytes);

  const inline = await generateWithTransformersJs(folder(false));
  const external = await generateWithTransformersJs(folder(true));
  expect(external.newIds).toHaveLength(NEW_TOKENS);
  expect(external.newIds).toEqual(inline.newIds);
  external.stepLogits.forEach((logits, step) => {
    expect(maxAbsDifference(logits, inline.stepLogits[step])).toBeLessThan(TOLERANCE);
  });
});
