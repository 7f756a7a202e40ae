/**
 * The llama.cpp engine through our server (`llm-deploy serve`, driven over HTTP by streaming
 * clients) beside raw node-llama-cpp on the same GGUF file, 1 and 8 streams, F32/F16/Q8_0 of the
 * gpt2-small test model. Each side runs in its own processes, interleaved (A B, B A, ...); figures
 * are medians of per-process medians, and the ratio compares them from the same run.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  GGUF_TYPES,
  ggufFileName,
  PRESETS,
  randomGpt2Weights,
  writeGpt2GgufFiles,
  GPT2_VOCAB_SIZE,
  type GgufTypeName,
} from '../model-builder';
import { benchPrompt, type RawResult, type RawTask } from './llamacpp-raw-worker';
import { runJsonWorker } from './json-worker';
import { median, textTable } from './report';
import { startBenchServer, streamCompletion, type StreamTiming } from './server-load';

export interface LlamaBenchSettings {
  dir: string;
  types: GgufTypeName[];
  processes: number;
  runs: number;
  newTokens: number;
  streams: number[];
  threads?: number;
  prompt: string;
  /** Environment both sides run with (UV_THREADPOOL_SIZE, ...). */
  env: Record<string, string>;
}

type Side = 'server' | 'raw';
/** Per side, per stream count: one figure per process (the median of its runs). */
type PerProcess = Record<Side, Record<number, { rate: number[]; ttftMs: number[] }>>;

export interface LlamaSummary {
  type: GgufTypeName;
  streams: number;
  serverTokensPerSecond: number;
  rawTokensPerSecond: number;
  ratio: number;
  serverTtftMs: number;
  rawTtftMs: number;
  perProcess: { server: number[]; raw: number[] };
  sameText: boolean;
}

const SEQUENCES = 8;

/** The gpt2-small GGUF files, built once into `dir` (the same weights as the ONNX bench model). */
function ensureGguf(dir: string, types: GgufTypeName[]): void {
  const missing = types.filter((t) => !existsSync(join(dir, ggufFileName('gpt2-small', t))));
  if (missing.length === 0) return;
  console.error(`bench: building gpt2-small ${missing.join(', ')} GGUF into ${dir} (once)`);
  const shape = { ...PRESETS['gpt2-small'].shape, vocabSize: GPT2_VOCAB_SIZE };
  writeGpt2GgufFiles(dir, {
    shape,
    weights: randomGpt2Weights(shape, 1),
    types: missing,
    baseName: 'gpt2-small',
    chatTemplate: false,
  });
}

function runRawWorker(task: RawTask, env: Record<string, string>): Promise<RawResult> {
  return runJsonWorker<RawResult>(join(__dirname, 'llamacpp-raw-worker.js'), task, env);
}

/** Our server on `file`, the same runs as the raw worker's; timings per stream count. */
async function runServer(file: string, s: LlamaBenchSettings): Promise<RawResult> {
  const server = await startBenchServer({
    ...s.env,
    ENGINE: 'llamacpp',
    MODEL: file,
    SERVED_MODEL_NAME: 'bench',
    MAX_CONCURRENT: String(SEQUENCES),
    ...(s.threads === undefined ? {} : { THREADS: String(s.threads) }),
  });
  try {
    const run = (count: number, r: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          streamCompletion(server.url, {
            model: 'bench',
            prompt: benchPrompt(s.prompt, r, i),
            max_tokens: s.newTokens,
            temperature: 0,
          }),
        ),
      );
    const result: RawResult = {};
    for (const count of s.streams) {
      await run(count, -1); // warm-up
      result[count] = [];
    }
    for (let r = 0; r < s.runs; r++) {
      for (const count of s.streams) result[count].push(await run(count, r));
    }
    return result;
  } finally {
    await server.stop();
  }
}

/**
 * Tokens per second from the requests' start to their last token, over all streams of a run.
 * End to end, not from the first token: the server's moderation holds text back while it could
 * still become a blocked term, so its chunks arrive in bursts, and a rate between the first and
 * the last chunk would flatter it.
 */
function rateOf(run: StreamTiming[]): number {
  const tokens = run.reduce((sum, t) => sum + t.completionTokens, 0);
  const start = Math.min(...run.map((t) => t.startedAt));
  const end = Math.max(...run.map((t) => t.chunkTimes.at(-1)!));
  return tokens / ((end - start) / 1000);
}

async function benchType(type: GgufTypeName, s: LlamaBenchSettings): Promise<LlamaSummary[]> {
  const file = join(s.dir, ggufFileName('gpt2-small', type));
  const perProcess: PerProcess = { server: {}, raw: {} };
  // Greedy on the same file: each prompt must give one text, on either side, in any company.
  const texts = new Map<string, Set<string>>();
  for (const side of ['server', 'raw'] as const)
    for (const count of s.streams) perProcess[side][count] = { rate: [], ttftMs: [] };
  for (let p = 0; p < s.processes; p++) {
    const order: Side[] = p % 2 === 0 ? ['server', 'raw'] : ['raw', 'server'];
    for (const side of order) {
      const result =
        side === 'server'
          ? await runServer(file, s)
          : await runRawWorker(
              {
                model: file,
                prompt: s.prompt,
                newTokens: s.newTokens,
                streams: s.streams,
                runs: s.runs,
                sequences: SEQUENCES,
                threads: s.threads,
              },
              s.env,
            );
      const line: string[] = [];
      for (const count of s.streams) {
        const runs = result[count];
        runs.forEach((run, r) =>
          run.forEach((t, i) => {
            const key = benchPrompt('', r, i);
            texts.set(key, (texts.get(key) ?? new Set()).add(`${t.completionTokens}:${t.text}`));
          }),
        );
        const rate = median(runs.map(rateOf));
        perProcess[side][count].rate.push(rate);
        perProcess[side][count].ttftMs.push(median(runs.flat().map((t) => t.ttft * 1000)));
        line.push(`${count}x ${rate.toFixed(1)}`);
      }
      console.error(`bench: llama.cpp ${type} process ${p + 1} ${side}: ${line.join(', ')} tok/s`);
    }
  }
  return s.streams.map((count) => {
    const server = perProcess.server[count];
    const raw = perProcess.raw[count];
    return {
      type,
      streams: count,
      serverTokensPerSecond: median(server.rate),
      rawTokensPerSecond: median(raw.rate),
      ratio: median(server.rate) / median(raw.rate),
      serverTtftMs: median(server.ttftMs),
      rawTtftMs: median(raw.ttftMs),
      perProcess: { server: server.rate, raw: raw.rate },
      sameText: [...texts.values()].every((set) => set.size === 1),
    };
  });
}

export async function benchLlamaCpp(settings: LlamaBenchSettings): Promise<LlamaSummary[]> {
  ensureGguf(settings.dir, settings.types);
  const summaries: LlamaSummary[] = [];
  for (const type of settings.types) summaries.push(...(await benchType(type, settings)));
  return summaries;
}

export function formatLlamaTable(summaries: LlamaSummary[]): string {
  const rows = [
    [
      'GGUF',
      'streams',
      'server tok/s',
      'raw tok/s',
      'ratio',
      'server TTFT ms',
      'raw TTFT ms',
      'same text',
    ],
    ...summaries.map((s) => [
      s.type,
      String(s.streams),
      s.serverTokensPerSecond.toFixed(1),
      s.rawTokensPerSecond.toFixed(1),
      s.ratio.toFixed(3),
      s.serverTtftMs.toFixed(1),
      s.rawTtftMs.toFixed(1),
      s.sameText ? 'yes' : 'NO',
    ]),
  ];
  return textTable(rows);
}

export const LLAMA_TYPES = Object.keys(GGUF_TYPES) as GgufTypeName[];
