import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { median } from './report';
import {
  aggregateDecodeRate,
  concurrentStreams,
  startBenchServer,
  streamCompletion,
  streamDecodeRate,
  type CompletionBody,
  type StreamTiming,
} from './server-load';

export interface ServerSideTask {
  model: string;
  prompt: string;
  newTokens: number;
  /** Server settings on top of the defaults (none: the server as a user starts it). */
  env: Record<string, string>;
}

export interface ClientsTiming {
  aggregateDecode: number;
  perStreamDecode: number;
  ttftP50: number;
  ttftP95: number;
}

/** Running streams' inter-token latency before and while a long prompt is read. */
export interface LongPromptProbe {
  promptTokens: number;
  p95BeforeMs: number;
  p95DuringMs: number;
  ratio: number;
}

/** One server process, up between runs so that they can alternate with the bare side's. */
export interface ServerSide {
  /** One run: `clients` streaming requests at once. */
  run(clients: number): Promise<ClientsTiming>;
  probeLongPrompt(): Promise<LongPromptProbe>;
  stop(): Promise<void>;
}

const LONG_PROMPT = ' The quick brown fox jumps over the lazy dog.'.repeat(50);
const PROBE_STREAMS = 8;

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function clientsTiming(streams: StreamTiming[]): ClientsTiming {
  const ttfts = streams.map((s) => s.ttft * 1000);
  return {
    aggregateDecode: aggregateDecodeRate(streams),
    perStreamDecode: median(streams.map(streamDecodeRate)),
    ttftP50: percentile(ttfts, 50),
    ttftP95: percentile(ttfts, 95),
  };
}

export async function openServerSide(task: ServerSideTask): Promise<ServerSide> {
  const cache = mkdtempSync(join(tmpdir(), 'llm-bench-cache-'));
  const server = await startBenchServer({
    MODEL: task.model,
    HF_HUB_OFFLINE: 'true',
    CACHE_DIR: cache,
    LOG_LEVEL: 'info',
    SHUTDOWN_GRACE_SECONDS: '0',
    ...task.env,
  }).catch((error: unknown) => {
    rmSync(cache, { recursive: true, force: true });
    throw error;
  });
  const body = {
    model: basename(task.model),
    prompt: task.prompt,
    max_tokens: task.newTokens,
    temperature: 0,
  };
  return {
    run: async (clients) => clientsTiming(await concurrentStreams(server.url, clients, body)),
    probeLongPrompt: () => probeLongPrompt(server.url, body),
    stop: async () => {
      await server.stop();
      rmSync(cache, { recursive: true, force: true });
    },
  };
}

/**
 * Eight streams decode; once each has a dozen chunks, a ~500-token prompt arrives. Compares
 * their p95 gap between chunks before it with the p95 of the gaps that end while it is read.
 */
async function probeLongPrompt(url: string, body: CompletionBody): Promise<LongPromptProbe> {
  const counts = new Array<number>(PROBE_STREAMS).fill(0);
  let injected: { at: number; stream: Promise<StreamTiming> } | undefined;
  const inject = () => {
    injected = {
      at: performance.now(),
      stream: streamCompletion(url, { ...body, prompt: LONG_PROMPT, max_tokens: 4 }),
    };
  };
  const running = await Promise.all(
    counts.map((_, i) =>
      streamCompletion(url, { ...body, max_tokens: body.max_tokens * 2 }, (chunks) => {
        counts[i] = chunks;
        if (!injected && counts.every((c) => c >= 12)) inject();
      }),
    ),
  );
  if (!injected) throw new Error('the probe streams ended before the long prompt was sent');
  const long = await injected.stream;
  const readAt = long.chunkTimes[0];
  const allJoined = Math.max(...running.map((s) => s.chunkTimes[0]));
  const gaps = running.flatMap((s) =>
    s.chunkTimes.slice(1).map((end, k) => ({ end, ms: end - s.chunkTimes[k] })),
  );
  const before = gaps.filter((g) => g.end > allJoined && g.end < injected!.at).map((g) => g.ms);
  // Gaps that end while the prompt is read, and the step right after (the row joins).
  const step = median(before);
  const during = gaps
    .filter((g) => g.end > injected!.at && g.end <= readAt + step)
    .map((g) => g.ms);
  const p95BeforeMs = percentile(before, 95);
  const p95DuringMs = percentile(during, 95);
  return {
    promptTokens: long.promptTokens,
    p95BeforeMs,
    p95DuringMs,
    ratio: p95DuringMs / p95BeforeMs,
  };
}
