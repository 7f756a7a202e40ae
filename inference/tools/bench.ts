/**
 * `npm run bench`: decode speed and time to first token of our engine (TransformersBackend and its
 * decode loop) against a bare transformers.js model.generate() on the same model, prompt and
 * max_new_tokens, greedy. Each of several processes loads both and alternates them (A B, B A, ...);
 * the report gives medians of per-process medians, absolute figures beside the ratio, and a memory
 * roofline measured in the same run. Writes artifacts/bench.json.
 *
 *   npm run bench -- --presets tiny,gpt2-small --processes 5 --runs 3 --new-tokens 64
 *
 * `--mode server` benches the real server instead (bench/server-mode.ts): 1, 4 and 8 streaming
 * clients over HTTP against bare generate() at batch 1, 4 and 8, run by run in pairs of processes;
 * `--server-env KEY=VALUE,...` changes its settings. Writes artifacts/bench-server.json.
 *
 *   npm run bench -- --mode server --processes 4 --runs 2
 *
 * `--mode llamacpp` benches the llama.cpp engine through our server against raw node-llama-cpp on
 * the same gpt2-small GGUF files (bench/llamacpp.ts). Writes artifacts/bench-llamacpp.json.
 *
 *   npm run bench -- --mode llamacpp --gguf-types f32,f16,q8_0 --streams 1,8 --threads 1
 */
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCopyBandwidth } from './bench/bandwidth';
import { benchLlamaCpp, formatLlamaTable, LLAMA_TYPES } from './bench/llamacpp';
import { benchServerMode, formatServerTable } from './bench/server-mode';
import { runJsonWorker } from './bench/json-worker';
import { formatTable, summarisePreset, type PresetSummary } from './bench/report';
import type { WorkerResult, WorkerTask } from './bench/worker';
import { PRESETS, writeGpt2Model } from './model-builder';

const ROOT = resolve(__dirname, '..', '..', '..');
/** Where each preset's model lives; gpt2-small is built there on first use (gitignored). */
const MODEL_DIRS: Record<string, string> = {
  tiny: join(ROOT, 'inference', 'models', 'tiny'),
  'gpt2-small': join(ROOT, '.bench', 'gpt2-small'),
};
// Nine GPT-2 tokens, as in DESIGN.md's reference figures.
const PROMPT = 'The quick brown fox jumps over the lazy dog';

function fail(message: string): never {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string', default: 'engine' },
      presets: { type: 'string' },
      'server-env': { type: 'string', default: '' },
      processes: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      'new-tokens': { type: 'string', default: '64' },
      out: { type: 'string' },
      'gguf-types': { type: 'string', default: LLAMA_TYPES.join(',') },
      streams: { type: 'string', default: '1,8' },
      threads: { type: 'string' },
      'uv-threadpool-size': { type: 'string', default: '1' },
    },
  });
  const mode = values.mode;
  if (mode !== 'engine' && mode !== 'server' && mode !== 'llamacpp')
    fail(`--mode (${mode}) must be engine, server or llamacpp`);
  const count = (name: 'processes' | 'runs' | 'new-tokens') => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      fail(`--${name} (${values[name]}) must be a positive integer`);
    return n;
  };
  const presets = (values.presets ?? (mode === 'server' ? 'gpt2-small' : 'tiny,gpt2-small'))
    .split(',')
    .filter(Boolean);
  const serverEnv = Object.fromEntries(
    values['server-env']
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const at = pair.indexOf('=');
        if (at < 1) fail(`--server-env: "${pair}" is not KEY=VALUE`);
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
  );
  for (const p of presets) {
    if (!MODEL_DIRS[p])
      fail(`unknown preset "${p}"; choose from ${Object.keys(MODEL_DIRS).join(', ')}`);
  }
  const out =
    values.out ?? join(ROOT, 'artifacts', `bench${mode === 'engine' ? '' : `-${mode}`}.json`);
  return {
    mode,
    presets,
    serverEnv,
    processes: count('processes'),
    runs: count('runs'),
    newTokens: count('new-tokens'),
    out: resolve(out),
    llamacpp: llamaOptions(values),
  };
}

function llamaOptions(values: Record<string, string | undefined>) {
  const list = (name: string, allowed: readonly string[]) => {
    const items = (values[name] ?? '').split(',').filter(Boolean);
    if (items.length === 0 || items.some((item) => !allowed.includes(item)))
      fail(`--${name} (${values[name]}): choose from ${allowed.join(', ')}`);
    return items;
  };
  const optionalCount = (name: string) => {
    if (values[name] === undefined) return undefined;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      fail(`--${name} (${values[name]}) must be a positive integer`);
    return n;
  };
  return {
    types: list('gguf-types', LLAMA_TYPES) as typeof LLAMA_TYPES,
    streams: list('streams', ['1', '2', '4', '8']).map(Number),
    threads: optionalCount('threads'),
    uvThreadpoolSize: optionalCount('uv-threadpool-size')!,
  };
}

function ensureModel(preset: string): string {
  const dir = MODEL_DIRS[preset];
  if (existsSync(join(dir, 'onnx', 'model.onnx'))) return dir;
  console.error(`bench: building the ${preset} test model into ${dir} (once)`);
  const { shape, externalData, chatTemplate } = PRESETS[preset];
  writeGpt2Model(dir, { shape, seed: 1, externalData, chatTemplate });
  return dir;
}

function weightBytes(dir: string): number {
  const onnx = join(dir, 'onnx');
  return readdirSync(onnx)
    .filter((f) => f === 'model.onnx' || f === 'model.onnx_data')
    .reduce((sum, f) => sum + statSync(join(onnx, f)).size, 0);
}

function runWorker(task: WorkerTask): Promise<WorkerResult> {
  return runJsonWorker<WorkerResult>(join(__dirname, 'bench', 'worker.js'), task);
}

async function benchPreset(
  preset: string,
  settings: ReturnType<typeof options>,
): Promise<PresetSummary> {
  const model = ensureModel(preset);
  const bandwidth = measureCopyBandwidth();
  const results: WorkerResult[] = [];
  for (let p = 0; p < settings.processes; p++) {
    const result = await runWorker({
      model,
      prompt: PROMPT,
      newTokens: settings.newTokens,
      runs: settings.runs,
    });
    const last = (side: 'engine' | 'bare') =>
      result[side].map((r) => r.decodeTokensPerSecond.toFixed(1)).join(' ');
    console.error(
      `bench: ${preset} process ${p + 1}: engine ${last('engine')} | bare ${last('bare')} tok/s`,
    );
    results.push(result);
  }
  return summarisePreset(
    {
      preset,
      model,
      newTokens: settings.newTokens,
      runsPerProcess: settings.runs,
      weightBytes: weightBytes(model),
      bandwidthBytesPerSecond: bandwidth,
    },
    results,
  );
}

async function mainServerMode(settings: ReturnType<typeof options>): Promise<void> {
  const startedLoad = loadavg();
  const bandwidth = measureCopyBandwidth();
  const results = [];
  for (const preset of settings.presets) {
    const model = ensureModel(preset);
    const summary = await benchServerMode({
      model,
      prompt: PROMPT,
      newTokens: settings.newTokens,
      runs: settings.runs,
      processes: settings.processes,
      clients: [1, 4, 8],
      serverEnv: settings.serverEnv,
    });
    console.log(`${preset} (${(weightBytes(model) / 1e6).toFixed(0)} MB of weights):`);
    console.log(formatServerTable(summary));
    results.push({ preset, summary, rooflineTokensPerSecond: bandwidth / weightBytes(model) });
  }
  const machine = machineFacts(startedLoad);
  console.log(
    `(medians of ${settings.processes} server + bare process pairs x ${settings.runs} runs per side, the two sides' runs alternating; paired runs: median of each server run over the bare run beside it; ${settings.newTokens} new tokens, greedy; load average before ${fmtLoad(machine.loadAverageBefore)}, after ${fmtLoad(machine.loadAverageAfter)}; copy bandwidth ${(bandwidth / 1e9).toFixed(1)} GB/s)`,
  );
  writeReport(settings, {
    date: new Date().toISOString(),
    machine,
    settings,
    prompt: PROMPT,
    results,
  });
}

async function mainLlamaCppMode(settings: ReturnType<typeof options>): Promise<void> {
  const startedLoad = loadavg();
  const { types, streams, threads, uvThreadpoolSize } = settings.llamacpp;
  const summaries = await benchLlamaCpp({
    dir: join(ROOT, '.bench', 'gpt2-small-gguf'),
    types,
    processes: settings.processes,
    runs: settings.runs,
    newTokens: settings.newTokens,
    streams,
    threads,
    prompt: PROMPT,
    env: { UV_THREADPOOL_SIZE: String(uvThreadpoolSize) },
  });
  const machine = machineFacts(startedLoad);
  console.log(formatLlamaTable(summaries));
  console.log(
    `(llama.cpp on gpt2-small: our server over HTTP against raw node-llama-cpp, tokens/s from request to last token; medians of ${settings.processes} processes x ${settings.runs} runs per side, interleaved; ${settings.newTokens} new tokens, greedy, streams in parallel sequences; threads ${threads ?? 'default'}, UV_THREADPOOL_SIZE ${uvThreadpoolSize}; load average before ${fmtLoad(machine.loadAverageBefore)}, after ${fmtLoad(machine.loadAverageAfter)})`,
  );
  writeReport(settings, {
    date: new Date().toISOString(),
    machine,
    settings,
    prompt: PROMPT,
    summaries,
  });
}

function machineFacts(loadAverageBefore: number[]) {
  return {
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    node: process.version,
    loadAverageBefore,
    loadAverageAfter: loadavg(),
  };
}

const fmtLoad = (load: number[]) => load.map((l) => l.toFixed(2)).join(' ');

function writeReport(settings: ReturnType<typeof options>, report: object): void {
  mkdirSync(dirname(settings.out), { recursive: true });
  writeFileSync(settings.out, JSON.stringify(report, null, 2) + '\n');
  console.error(`bench: wrote ${settings.out}`);
}

async function main(): Promise<void> {
  const settings = options();
  if (settings.mode === 'server') return mainServerMode(settings);
  if (settings.mode === 'llamacpp') return mainLlamaCppMode(settings);
  const startedLoad = loadavg();
  const summaries: PresetSummary[] = [];
  for (const preset of settings.presets) summaries.push(await benchPreset(preset, settings));
  console.log(formatTable(summaries));
  console.log(
    `(medians of ${settings.processes} processes x ${settings.runs} runs per side, ${settings.newTokens} new tokens, greedy; roofline = single-thread copy bandwidth / weight bytes)`,
  );
  const machine = machineFacts(startedLoad);
  writeReport(settings, {
    date: new Date().toISOString(),
    machine,
    settings,
    prompt: PROMPT,
    summaries,
  });
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
