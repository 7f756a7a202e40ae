/**
 * Drives a real `llm-deploy serve` over HTTP, whatever engine it runs: start it as a child process
 * with any settings, stream completions from many clients at once, and time every chunk. The
 * bench's server mode uses it; an engine's own bench can too (ENGINE=... in `env`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';

const CLI = resolve(__dirname, '..', '..', '..', 'bin', 'llm-deploy.js');

export interface BenchServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** `llm-deploy serve` on an ephemeral port with `env` on top of the environment, once ready. */
export async function startBenchServer(
  env: Record<string, string>,
  timeoutSeconds = 600,
): Promise<BenchServer> {
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  };
  const deadline = Date.now() + timeoutSeconds * 1000;
  try {
    let url: string | undefined;
    while (!url) {
      if (Date.now() > deadline || child.exitCode !== null)
        throw new Error(`the server did not start:\n${output.slice(-2000)}`);
      url = /listening on (http:\/\/[\d.:[\]]+)/.exec(output)?.[1];
      await sleep(50);
    }
    while ((await fetch(`${url}/readyz`)).status !== 200) {
      if (Date.now() > deadline)
        throw new Error(`the server was not ready:\n${output.slice(-2000)}`);
      await sleep(100);
    }
    return { url, process: child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

export interface StreamTiming {
  /** Seconds from sending the request to the first text chunk. */
  ttft: number;
  /** When each text chunk arrived, in ms (performance.now()). */
  chunkTimes: number[];
  startedAt: number;
  completionTokens: number;
  promptTokens: number;
  text: string;
}

export interface CompletionBody {
  prompt: string;
  max_tokens: number;
  [field: string]: unknown;
}

/** Keeps connections open between runs, as an HTTP client library's pool does. */
const agent = new Agent({ keepAlive: true });

/**
 * One streaming /v1/completions request, timed chunk by chunk (usage from the last chunk);
 * `onText` is told how many text chunks have arrived so far. On node:http rather than fetch():
 * the client shares the machine with the server it measures, and fetch's web streams took a
 * third more of its CPU per token (0.15 against 0.10 ms at 8 streams).
 */
export function streamCompletion(
  url: string,
  body: CompletionBody,
  onText?: (chunks: number) => void,
): Promise<StreamTiming> {
  const payload = JSON.stringify({
    ...body,
    stream: true,
    stream_options: { include_usage: true },
  });
  const startedAt = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/v1/completions`,
      {
        method: 'POST',
        agent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        res.setEncoding('utf8');
        if (res.statusCode !== 200) {
          let text = '';
          res.on('data', (d: string) => (text += d));
          res.on('end', () => reject(new Error(`POST /v1/completions: ${res.statusCode} ${text}`)));
          return;
        }
        const chunkTimes: number[] = [];
        let usage = { prompt_tokens: 0, completion_tokens: 0 };
        let text = '';
        let pending = '';
        res.on('data', (data: string) => {
          pending += data;
          const events = pending.split('\n\n');
          pending = events.pop() ?? '';
          const now = performance.now();
          for (const event of events) {
            const json = event.replace(/^data: /, '');
            if (json === '[DONE]' || !json.startsWith('{')) continue;
            const chunk = JSON.parse(json) as {
              choices: { text?: string }[];
              usage?: typeof usage;
            };
            const piece = chunk.choices[0]?.text ?? '';
            if (piece) {
              chunkTimes.push(now);
              text += piece;
              onText?.(chunkTimes.length);
            }
            if (chunk.usage) usage = chunk.usage;
          }
        });
        res.on('error', reject);
        res.on('end', () => {
          if (chunkTimes.length === 0) return reject(new Error('the stream had no text'));
          resolve({
            ttft: (chunkTimes[0] - startedAt) / 1000,
            chunkTimes,
            startedAt,
            completionTokens: usage.completion_tokens,
            promptTokens: usage.prompt_tokens,
            text,
          });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Decode speed of one stream: tokens after the first over the time after the first. */
export function streamDecodeRate(s: StreamTiming): number {
  const seconds = (s.chunkTimes.at(-1)! - s.chunkTimes[0]) / 1000;
  return (s.completionTokens - 1) / seconds;
}

/**
 * Decode throughput of streams that ran together: every token after each stream's first, over
 * the time from the first stream's first token to the last stream's last.
 */
export function aggregateDecodeRate(streams: StreamTiming[]): number {
  const tokens = streams.reduce((sum, s) => sum + s.completionTokens - 1, 0);
  const start = Math.min(...streams.map((s) => s.chunkTimes[0]));
  const end = Math.max(...streams.map((s) => s.chunkTimes.at(-1)!));
  return tokens / ((end - start) / 1000);
}

/** `clients` identical streaming requests at once. */
export function concurrentStreams(
  url: string,
  clients: number,
  body: CompletionBody,
): Promise<StreamTiming[]> {
  return Promise.all(Array.from({ length: clients }, () => streamCompletion(url, body)));
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
