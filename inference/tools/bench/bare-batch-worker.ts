/**
 * The bare side of the server mode, as one long-lived process: transformers.js model.generate()
 * on a batch of the same prompt, greedy. It loads the model once, then answers each line on stdin
 * ({"batch": 8}) with one line of timings, so its runs can alternate with the server's.
 *
 *   node inference/dist/tools/bench/bare-batch-worker.js '{"model":"...","prompt":"...","newTokens":64}'
 */
import { createInterface } from 'node:readline';
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  type PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';

export interface BareBatchTask {
  model: string;
  prompt: string;
  newTokens: number;
}

export interface BareBatchRequest {
  batch: number;
}

export interface BatchTiming {
  batch: number;
  /** Seconds from the call (tokenizing included) to the first new tokens. */
  ttft: number;
  /** All rows' tokens after the first, per second. */
  aggregateDecode: number;
  perStreamDecode: number;
}

async function generateBatch(
  model: PreTrainedModel,
  tokenizer: PreTrainedTokenizer,
  task: BareBatchTask,
  batch: number,
): Promise<BatchTiming> {
  const start = performance.now();
  const inputs = tokenizer(Array(batch).fill(task.prompt));
  let puts = 0;
  let first = 0;
  // generate() puts the prompt first, then each new token (of every row at once).
  const streamer = { put: () => void (++puts === 2 && (first = performance.now())), end: () => 0 };
  const output = (await model.generate({
    ...inputs,
    max_new_tokens: task.newTokens,
    do_sample: false,
    streamer: streamer as never,
  })) as Tensor;
  const end = performance.now();
  const tokens = output.dims[1] - (inputs.input_ids as Tensor).dims[1];
  const perStream = (tokens - 1) / ((end - first) / 1000);
  return {
    batch,
    ttft: (first - start) / 1000,
    aggregateDecode: perStream * batch,
    perStreamDecode: perStream,
  };
}

async function main(task: BareBatchTask): Promise<void> {
  env.allowRemoteModels = false;
  const tokenizer = await AutoTokenizer.from_pretrained(task.model);
  const model = await AutoModelForCausalLM.from_pretrained(task.model, { dtype: 'fp32' });
  for await (const line of createInterface({ input: process.stdin })) {
    const { batch } = JSON.parse(line) as BareBatchRequest;
    process.stdout.write(JSON.stringify(await generateBatch(model, tokenizer, task, batch)) + '\n');
  }
  await model.dispose();
}

main(JSON.parse(process.argv[2]) as BareBatchTask).catch((error: unknown) => {
  console.error(`bench bare worker: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
