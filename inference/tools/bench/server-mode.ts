/**
 * `npm run bench -- --mode server`: the real server (a child process, default settings unless
 * --server-env says otherwise) with 1, 4 and 8 concurrent streaming clients over HTTP, against
 * bare transformers.js generate() at the same batch sizes. Each "process" is a pair: one server
 * and one bare worker, both up at once, their runs alternating one by one (A B, B A, ...), so
 * that the machine's drift (on a shared 2-core VM, +-10 % within a minute) falls on both sides.
 */
import { join } from 'node:path';
import type { BareBatchRequest, BareBatchTask, BatchTiming } from './bare-batch-worker';
import { JsonWorker } from './json-worker';
import { median, textTable } from './report';
import { openServerSide, type ClientsTiming, type LongPromptProbe } from './server-bench';

export interface ServerModeSettings {
  model: string;
  prompt: string;
  newTokens: number;
  runs: number;
  processes: number;
  clients: number[];
  serverEnv: Record<string, string>;
}

export interface ServerModeSummary {
  clients: number[];
  /** Medians over processes of each process's median. */
  server: Record<string, ClientsTiming>;
  bare: Record<string, { aggregateDecode: number; perStreamDecode: number; ttft: number }>;
  /** Median over every run of server aggregate / the adjacent bare run's aggregate. */
  pairedRatio: Record<string, number>;
  longPrompt: { promptTokens: number; p95BeforeMs: number; p95DuringMs: number; ratio: number };
  perProcessLongPromptRatio: number[];
}

/** One pair's figures: per client count, one entry per run. */
interface PairResult {
  server: Record<string, ClientsTiming[]>;
  bare: Record<string, BatchTiming[]>;
  probe: LongPromptProbe;
}

const medianOf = <T>(items: T[], pick: (t: T) => number) => median(items.map(pick));

async function benchPair(s: ServerModeSettings, pair: number): Promise<PairResult> {
  const bare = new JsonWorker<BareBatchRequest, BatchTiming>(
    join(__dirname, 'bare-batch-worker.js'),
    { model: s.model, prompt: s.prompt, newTokens: s.newTokens } satisfies BareBatchTask,
  );
  const server = await openServerSide({ ...s, env: s.serverEnv }).catch(async (error) => {
    await bare.close().catch(() => undefined);
    throw error;
  });
  try {
    const servers: PairResult['server'] = {};
    const bares: PairResult['bare'] = {};
    for (const clients of s.clients) {
      // Warm-up, untimed.
      await server.run(clients);
      await bare.ask({ batch: clients });
      servers[clients] = [];
      bares[clients] = [];
      for (let run = 0; run < s.runs; run++) {
        const sides = [
          async () => servers[clients].push(await server.run(clients)),
          async () => bares[clients].push(await bare.ask({ batch: clients })),
        ];
        if ((pair + run) % 2 === 1) sides.reverse();
        for (const side of sides) await side();
      }
    }
    return { server: servers, bare: bares, probe: await server.probeLongPrompt() };
  } finally {
    await server.stop();
    await bare.close();
  }
}

export async function benchServerMode(s: ServerModeSettings): Promise<ServerModeSummary> {
  const pairs: PairResult[] = [];
  for (let p = 0; p < s.processes; p++) {
    const pair = await benchPair(s, p);
    pairs.push(pair);
    const rates = (runs: Record<string, { aggregateDecode: number }[]>) =>
      s.clients.map((c) => medianOf(runs[c], (t) => t.aggregateDecode).toFixed(1)).join(' / ');
    console.error(
      `bench: pair ${p + 1}: server ${rates(pair.server)}, bare ${rates(pair.bare)} tok/s; long prompt ITL x${pair.probe.ratio.toFixed(2)}`,
    );
  }
  const server: ServerModeSummary['server'] = {};
  const bare: ServerModeSummary['bare'] = {};
  const pairedRatio: ServerModeSummary['pairedRatio'] = {};
  for (const c of s.clients) {
    const perProcess = (pick: (t: ClientsTiming) => number) =>
      median(pairs.map((r) => medianOf(r.server[c], pick)));
    server[c] = {
      aggregateDecode: perProcess((t) => t.aggregateDecode),
      perStreamDecode: perProcess((t) => t.perStreamDecode),
      ttftP50: perProcess((t) => t.ttftP50),
      ttftP95: perProcess((t) => t.ttftP95),
    };
    const bareProcess = (pick: (t: BatchTiming) => number) =>
      median(pairs.map((r) => medianOf(r.bare[c], pick)));
    bare[c] = {
      aggregateDecode: bareProcess((t) => t.aggregateDecode),
      perStreamDecode: bareProcess((t) => t.perStreamDecode),
      ttft: bareProcess((t) => t.ttft * 1000),
    };
    pairedRatio[c] = median(
      pairs.flatMap((r) =>
        r.server[c].map((t, run) => t.aggregateDecode / r.bare[c][run].aggregateDecode),
      ),
    );
  }
  const probes = pairs.map((r) => r.probe);
  return {
    clients: s.clients,
    server,
    bare,
    pairedRatio,
    longPrompt: {
      promptTokens: probes[0].promptTokens,
      p95BeforeMs: medianOf(probes, (p) => p.p95BeforeMs),
      p95DuringMs: medianOf(probes, (p) => p.p95DuringMs),
      ratio: medianOf(probes, (p) => p.ratio),
    },
    perProcessLongPromptRatio: probes.map((p) => p.ratio),
  };
}

export function formatServerTable(summary: ServerModeSummary): string {
  const one = summary.server[summary.clients[0]];
  const rows = [
    [
      'clients',
      'server agg tok/s',
      'server per-stream',
      'server TTFT p50/p95 ms',
      'bare agg tok/s',
      'bare per-row',
      'bare TTFT ms',
      'server/bare agg',
      'paired runs',
      'server/own 1 stream',
    ],
    ...summary.clients.map((c) => {
      const sv = summary.server[c];
      const b = summary.bare[c];
      return [
        String(c),
        sv.aggregateDecode.toFixed(1),
        sv.perStreamDecode.toFixed(1),
        `${sv.ttftP50.toFixed(0)} / ${sv.ttftP95.toFixed(0)}`,
        b.aggregateDecode.toFixed(1),
        b.perStreamDecode.toFixed(1),
        b.ttft.toFixed(0),
        (sv.aggregateDecode / b.aggregateDecode).toFixed(3),
        summary.pairedRatio[c].toFixed(3),
        (sv.aggregateDecode / one.aggregateDecode).toFixed(2),
      ];
    }),
  ];
  const first = summary.clients[0];
  const lp = summary.longPrompt;
  return [
    textTable(rows),
    '',
    `1 stream TTFT p50: server ${summary.server[first].ttftP50.toFixed(0)} ms / bare ${summary.bare[first].ttft.toFixed(0)} ms = x${(summary.server[first].ttftP50 / summary.bare[first].ttft).toFixed(2)}`,
    `${PROBE_LABEL}: ${lp.promptTokens}-token prompt arrives while 8 streams decode: their p95 ITL ${lp.p95BeforeMs.toFixed(0)} -> ${lp.p95DuringMs.toFixed(0)} ms = x${lp.ratio.toFixed(2)} (per process: ${summary.perProcessLongPromptRatio.map((r) => r.toFixed(2)).join(' ')})`,
  ].join('\n');
}

const PROBE_LABEL = 'long prompt';
