/**
 * One benchmark process: loads a model twice (our engine, and a bare transformers.js model), then
 * alternates engine and bare generations (A B A B ...) and prints one JSON line of timings.
 *
 *   node inference/dist/tools/bench/worker.js '{"model":"...","prompt":"...","newTokens":64,"runs":3}'
 */
import {
  AutoModelForCausalLM,
  AutoTokenizer,
  env,
  PreTrainedModel,
  type PreTrainedTokenizer,
  type Tensor,
} from '@huggingface/transformers';
import { TransformersBackend } from '../../src/engine';

export interface WorkerTask {
  model: string;
  prompt: string;
  newTokens: number;
  /** Timed runs per side, after one untimed warm-up run each. */
  runs: number;
}

export interface RunTiming {
  /** Seconds from the call (tokenizing included) to the first generated token. */
  ttft: number;
  /** Tokens per second after the first one. */
  decodeTokensPerSecond: number;
  /** Milliseconds per token after the first spent outside forward passes: the loop's own cost. */
  hostMsPerToken: number;
  tokens: number;
}

export interface WorkerResult {
  engine: RunTiming[];
  bare: RunTiming[];
  /** Both sides generated the same text (greedy on the same weights must agree). */
  sameText: boolean;
  loadSeconds: number;
}

type Side = () => Promise<RunTiming & { text: string }>;

/** Milliseconds spent in forward passes (both sides run the same PreTrainedModel.forward). */
let forwardMs = 0;
function timeForwardPasses(): void {
  const forward = PreTrainedModel.prototype.forward;
  PreTrainedModel.prototype.forward = async function (this: PreTrainedModel, ...args) {
    const start = performance.now();
    try {
      return await forward.apply(this, args);
    } finally {
      forwardMs += performance.now() - start;
    }
  };
}

/** `first` is when the first token arrived and how much forward time had passed by then. */
function timing(
  start: number,
  first: { at: number; forwardMs: number },
  end: number,
  tokens: number,
): RunTiming {
  return {
    ttft: (first.at - start) / 1000,
    decodeTokensPerSecond: (tokens - 1) / ((end - first.at) / 1000),
    hostMsPerToken: (end - first.at - (forwardMs - first.forwardMs)) / (tokens - 1),
    tokens,
  };
}

const now = () => ({ at: performance.now(), forwardMs });

/** Our engine: TransformersBackend.prepare + generate (the decode loop), greedy. */
function engineSide(backend: TransformersBackend, task: WorkerTask): Side {
  return async () => {
    forwardMs = 0;
    const start = performance.now();
    const prepared = backend.prepare({
      prompt: { kind: 'text', text: task.prompt },
      maxNewTokens: task.newTokens,
      temperature: 0,
      topP: 1,
      topK: 0,
      repetitionPenalty: 1,
      stop: [],
    });
    let first: ReturnType<typeof now> | undefined;
    let tokens = 0;
    let text = '';
    for await (const event of backend.generate(prepared)) {
      if (event.type === 'text') {
        first ??= now();
        text += event.text;
      } else tokens = event.usage.completionTokens;
    }
    return { ...timing(start, first!, performance.now(), tokens), text };
  };
}

/** transformers.js as its README uses it: tokenizer, then model.generate(), greedy. */
function bareSide(model: PreTrainedModel, tokenizer: PreTrainedTokenizer, task: WorkerTask): Side {
  return async () => {
    forwardMs = 0;
    const start = performance.now();
    const inputs = tokenizer(task.prompt);
    let puts = 0;
    let first: ReturnType<typeof now> | undefined;
    // generate() puts the prompt first, then each new token.
    const streamer = {
      put: () => void (++puts === 2 && (first = now())),
      end: () => undefined,
    };
    const output = (await model.generate({
      ...inputs,
      max_new_tokens: task.newTokens,
      do_sample: false,
      streamer: streamer as never,
    })) as Tensor;
    const end = performance.now();
    const promptLength = (inputs.input_ids as Tensor).dims[1];
    const tokens = output.dims[1] - promptLength;
    const ids = Array.from(output.data as BigInt64Array, Number).slice(promptLength);
    const text = tokenizer.decode(ids, { skip_special_tokens: true });
    return { ...timing(start, first!, end, tokens), text };
  };
}

async function main(task: WorkerTask): Promise<WorkerResult> {
  env.allowRemoteModels = false;
  timeForwardPasses();
  const loadStart = performance.now();
  const backend = await TransformersBackend.load({
    model: task.model,
    device: 'cpu',
    dtype: 'fp32',
    hub: { endpoint: 'http://127.0.0.1:9', cacheDir: '/nonexistent', offline: true },
  });
  const tokenizer = await AutoTokenizer.from_pretrained(task.model);
  const model = await AutoModelForCausalLM.from_pretrained(task.model, { dtype: 'fp32' });
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const sides = { engine: engineSide(backend, task), bare: bareSide(model, tokenizer, task) };
  const warmEngine = await sides.engine();
  const warmBare = await sides.bare();
  const result: WorkerResult = {
    engine: [],
    bare: [],
    sameText: warmEngine.text === warmBare.text,
    loadSeconds,
  };
  for (let run = 0; run < task.runs; run++) {
    // Alternate which side goes first, so neither always runs right after the other.
    const order = run % 2 === 0 ? (['engine', 'bare'] as const) : (['bare', 'engine'] as const);
    for (const side of order) {
      const { text, ...measured } = await sides[side]();
      if (text !== warmEngine.text) result.sameText = false;
      result[side].push(measured);
    }
  }
  await backend.dispose();
  await model.dispose();
  return result;
}

main(JSON.parse(process.argv[2]) as WorkerTask).then(
  (result) => process.stdout.write(JSON.stringify(result) + '\n'),
  (error: unknown) => {
    console.error(`bench worker: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
