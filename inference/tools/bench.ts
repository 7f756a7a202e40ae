/**
 * `npm run bench`: decode speed and time to first token of our engine (TransformersBackend and its
 * decode loop) against a bare transformers.js model.generate() on the same model, prompt and
 * max_new_tokens, greedy. Each of several processes loads both and alternates them (A B, B A, ...);
 * the report gives medians of per-process medians, absolute figures beside the ratio, and a memory
 * roofline measured in the same run. Writes artifacts/bench.json.
 *
 *   npm run bench -- --presets tiny,gpt2-small --processes 5 --runs 3 --new-tokens 64
 *
 * Then the llama.cpp engine through our server against raw node-llama-cpp (bench/llamacpp.ts):
 *
 *   npm run bench -- --engines llamacpp --gguf-types f32,f16,q8_0 --streams 1,8 --threads 2
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureCopyBandwidth } from './bench/bandwidth';
import { benchLlamaCpp, formatLlamaTable, LLAMA_TYPES, type LlamaSummary } from './bench/llamacpp';
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
      presets: { type: 'string', default: 'tiny,gpt2-small' },
      processes: { type: 'string', default: '5' },
      runs: { type: 'string', default: '3' },
      'new-tokens': { type: 'string', default: '64' },
      out: { type: 'string', default: join(ROOT, 'artifacts', 'bench.json') },
      engines: { type: 'string', default: 'onnx,llamacpp' },
      'gguf-types': { type: 'string', default: LLAMA_TYPES.join(',') },
      streams: { type: 'string', default: '1,8' },
      threads: { type: 'string' },
      'uv-threadpool-size': { type: 'string' },
    },
  });
  const count = (name: 'processes' | 'runs' | 'new-tokens') => {
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      fail(`--${name} (${values[name]}) must be a positive integer`);
    return n;
  };
  const list = (name: 'engines' | 'gguf-types' | 'streams', allowed: readonly string[]) => {
    const items = values[name].split(',').filter(Boolean);
    const unknown = items.filter((item) => !allowed.includes(item));
    if (items.length === 0 || unknown.length > 0)
      fail(`--${name} (${values[name]}): choose from ${allowed.join(', ')}`);
    return items;
  };
  const optionalCount = (name: 'threads' | 'uv-threadpool-size') => {
    if (values[name] === undefined) return undefined;
    const n = Number(values[name]);
    if (!Number.isInteger(n) || n < 1)
      fail(`--${name} (${values[name]}) must be a positive integer`);
    return n;
  };
  const presets = values.presets.split(',').filter(Boolean);
  for (const p of presets) {
    if (!MODEL_DIRS[p])
      fail(`unknown preset "${p}"; choose from ${Object.keys(MODEL_DIRS).join(', ')}`);
  }
  return {
    presets,
    processes: count('processes'),
    runs: count('runs'),
    newTokens: count('new-tokens'),
    out: resolve(values.out),
    engines: list('engines', ['onnx', 'llamacpp']),
    ggufTypes: list('gguf-types', LLAMA_TYPES) as typeof LLAMA_TYPES,
    streams: list('streams', ['1', '2', '4', '8']).map(Number),
    threads: optionalCount('threads'),
    uvThreadpoolSize: optionalCount('uv-threadpool-size'),
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
  const worker = join(__dirname, 'bench', 'worker.js');
  const child = spawn(process.execPath, [worker, JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolveResult, reject) => {
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolveResult(JSON.parse(stdout) as WorkerResult);
      else reject(new Error(`bench worker exited with ${code}`));
    });
  });
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

async function main(): Promise<void> {
  const settings = options();
  const startedLoad = loadavg();
  const summaries: PresetSummary[] = [];
  if (settings.engines.includes('onnx')) {
    for (const preset of settings.presets) summaries.push(await benchPreset(preset, settings));
    console.log(formatTable(summaries));
    console.log(
      `(medians of ${settings.processes} processes x ${settings.runs} runs per side, ${settings.newTokens} new tokens, greedy; roofline = single-thread copy bandwidth / weight bytes)`,
    );
  }
  let llamacpp: LlamaSummary[] = [];
  if (settings.engines.includes('llamacpp')) {
    const uv = settings.uvThreadpoolSize;
    llamacpp = await benchLlamaCpp({
      dir: join(ROOT, '.bench', 'gpt2-small-gguf'),
      types: settings.ggufTypes,
      processes: settings.processes,
      runs: settings.runs,
      newTokens: settings.newTokens,
      streams: settings.streams,
      threads: settings.threads,
      prompt: PROMPT,
      env: uv === undefined ? {} : { UV_THREADPOOL_SIZE: String(uv) },
    });
    console.log(formatLlamaTable(llamacpp));
    console.log(
      `(llama.cpp, gpt2-small: our server over HTTP against raw node-llama-cpp, medians of ${settings.processes} processes x ${settings.runs} runs per side, interleaved; ${settings.newTokens} new tokens, greedy; streams decoded in parallel sequences; threads ${settings.threads ?? 'default'}, UV_THREADPOOL_SIZE ${uv ?? 'default'}; load ${startedLoad.map((l) => l.toFixed(1)).join(' ')} before, ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} after)`,
    );
  }
  mkdirSync(dirname(settings.out), { recursive: true });
  const machine = {
    cpu: cpus()[0]?.model,
    cpus: cpus().length,
    node: process.version,
    loadAverageBefore: startedLoad,
    loadAverageAfter: loadavg(),
  };
  const report = {
    date: new Date().toISOString(),
    machine,
    settings,
    prompt: PROMPT,
    summaries,
    llamacpp,
  };
  writeFileSync(settings.out, JSON.stringify(report, null, 2) + '\n');
  console.error(`bench: wrote ${settings.out}`);
}

main().catch((error: unknown) => fail(error instanceof Error ? error.message : String(error)));
