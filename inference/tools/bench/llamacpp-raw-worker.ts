/**
 * One benchmark process of raw node-llama-cpp, as its documentation uses it: a model, a context of
 * `sequences` parallel sequences, `sequence.evaluate(tokens, { temperature: 0 })` per stream, the
 * streams of a run started together. Prints one JSON line of timings in the shape server-load.ts
 * gives for our server.
 *
 *   node inference/dist/tools/bench/llamacpp-raw-worker.js '{"model":"x.gguf","prompt":"...",...}'
 */
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import { importEsm } from '../../src/engine/llamacpp/esm-import';
import type { StreamTiming } from './server-load';

export interface RawTask {
  model: string;
  prompt: string;
  newTokens: number;
  /** Streams per run, in order, e.g. [1, 8]; each count runs `runs` times after a warm-up. */
  streams: number[];
  runs: number;
  /** The context's sequences, as the server's MAX_CONCURRENT. */
  sequences: number;
  threads?: number;
}

/** Timings per stream count: one entry per run, each the runs' streams. */
export type RawResult = Record<number, StreamTiming[][]>;

/**
 * Each stream of each run starts with its own words, so that no side reuses a cached prompt
 * prefix from an earlier run (our server would, raw node-llama-cpp after clearHistory would not).
 */
export function benchPrompt(prompt: string, run: number, stream: number): string {
  return `Run ${run + 1}, stream ${stream + 1}. ${prompt}`;
}

type NodeLlamaCpp = typeof import('node-llama-cpp');

async function stream(
  model: LlamaModel,
  sequence: LlamaContextSequence,
  task: RawTask,
  prompt: string,
): Promise<StreamTiming> {
  await sequence.clearHistory();
  const startedAt = performance.now();
  const tokens = model.tokenize(prompt);
  const chunkTimes: number[] = [];
  const generated: Token[] = [];
  for await (const token of sequence.evaluate(tokens, { temperature: 0 })) {
    chunkTimes.push(performance.now());
    generated.push(token);
    if (generated.length >= task.newTokens) break;
  }
  return {
    ttft: (chunkTimes[0] - startedAt) / 1000,
    chunkTimes,
    startedAt,
    completionTokens: generated.length,
    promptTokens: tokens.length,
    text: model.detokenize(generated),
  };
}

async function main(task: RawTask): Promise<RawResult> {
  const lib = await importEsm<NodeLlamaCpp>('node-llama-cpp');
  const threads = task.threads === undefined ? {} : { maxThreads: task.threads };
  const llama = await lib.getLlama({ gpu: false, build: 'never', skipDownload: true, ...threads });
  const model = await llama.loadModel({ modelPath: task.model, gpuLayers: 0 });
  const context = await model.createContext({
    sequences: task.sequences,
    ...(task.threads === undefined ? {} : { threads: task.threads }),
  });
  const sequences = Array.from({ length: task.sequences }, () => context.getSequence());
  const run = (count: number, r: number) =>
    Promise.all(
      sequences
        .slice(0, count)
        .map((s, i) => stream(model, s, task, benchPrompt(task.prompt, r, i))),
    );
  const result: RawResult = {};
  for (const count of task.streams) {
    await run(count, -1); // warm-up
    result[count] = [];
  }
  for (let r = 0; r < task.runs; r++) {
    for (const count of task.streams) result[count].push(await run(count, r));
  }
  await context.dispose();
  await model.dispose();
  await llama.dispose();
  return result;
}

if (require.main === module) {
  main(JSON.parse(process.argv[2]) as RawTask).then(
    (result) => process.stdout.write(JSON.stringify(result) + '\n'),
    (error: unknown) => {
      console.error(
        `llama.cpp raw worker: ${error instanceof Error ? error.message : String(error)}`,
      );
      process.exit(1);
    },
  );
}
