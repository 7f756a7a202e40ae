/**
 * `npm run bench -- --mode server`: the real server (a child process, default settings unless
 * --server-env says otherwise) with 1, 4 and 8 concurrent streaming clients over HTTP, against
 * bare transformers.js generate() at the same batch sizes, interleaved process by process.
 */
import { join } from 'node:path';
import type { BareBatchResult, BareBatchTask } from './bare-batch-worker';
import { runJsonWorker } from './json-worker';
import { median, textTable } from './report';
import { serverRound, type ClientsTiming, type ServerRound } from './server-bench';

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
  longPrompt: { promptTokens: number; p95BeforeMs: number; p95DuringMs: number; ratio: number };
  perProcessLongPromptRatio: number[];
}

function runBareWorker(task: BareBatchTask): Promise<BareBatchResult> {
  return runJsonWorker<BareBatchResult>(join(__dirname, 'bare-batch-worker.js'), task);
}

const medianOf = <T>(items: T[], pick: (t: T) => number) => median(items.map(pick));

export async function benchServerMode(s: ServerModeSettings): Promise<ServerModeSummary> {
  const servers: ServerRound[] = [];
  const bares: BareBatchResult[] = [];
  const serverSide = async () => {
    servers.push(await serverRound({ ...s, env: s.serverEnv }));
    const last = servers.at(-1)!;
    const agg = s.clients.map((c) =>
      medianOf(last.byClients[c], (t) => t.aggregateDecode).toFixed(1),
    );
    console.error(
      `bench: server process ${servers.length}: ${agg.join(' / ')} tok/s; long prompt ITL x${last.longPrompt.ratio.toFixed(2)}`,
    );
  };
  const bareSide = async () => {
    bares.push(await runBareWorker({ ...s, batches: s.clients }));
    const last = bares.at(-1)!;
    const agg = s.clients.map((c) => medianOf(last[c], (t) => t.aggregateDecode).toFixed(1));
    console.error(`bench: bare process ${bares.length}: ${agg.join(' / ')} tok/s`);
  };
  for (let p = 0; p < s.processes; p++) {
    // A B, B A, ...: neither side always runs right after the other.
    for (const side of p % 2 === 0 ? [serverSide, bareSide] : [bareSide, serverSide]) await side();
  }
  const server: ServerModeSummary['server'] = {};
  const bare: ServerModeSummary['bare'] = {};
  for (const c of s.clients) {
    const perProcess = (pick: (t: ClientsTiming) => number) =>
      median(servers.map((r) => medianOf(r.byClients[c], pick)));
    server[c] = {
      aggregateDecode: perProcess((t) => t.aggregateDecode),
      perStreamDecode: perProcess((t) => t.perStreamDecode),
      ttftP50: perProcess((t) => t.ttftP50),
      ttftP95: perProcess((t) => t.ttftP95),
    };
    const bareProcess = (pick: (t: BareBatchResult[string][number]) => number) =>
      median(bares.map((r) => medianOf(r[c], pick)));
    bare[c] = {
      aggregateDecode: bareProcess((t) => t.aggregateDecode),
      perStreamDecode: bareProcess((t) => t.perStreamDecode),
      ttft: bareProcess((t) => t.ttft * 1000),
    };
  }
  const probes = servers.map((r) => r.longPrompt);
  return {
    clients: s.clients,
    server,
    bare,
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
