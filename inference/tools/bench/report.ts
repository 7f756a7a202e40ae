import type { RunTiming, WorkerResult } from './worker';

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface SideSummary {
  /** Median over processes of each process's median. */
  decodeTokensPerSecond: number;
  ttftMs: number;
  hostMsPerToken: number;
  /** Per-process medians, to show the spread between processes. */
  perProcessDecode: number[];
  perProcessTtftMs: number[];
}

export interface PresetSummary {
  preset: string;
  model: string;
  processes: number;
  runsPerProcess: number;
  newTokens: number;
  promptTokens?: number;
  engine: SideSummary;
  bare: SideSummary;
  /** engine / bare, from the medians of per-process medians. */
  decodeRatio: number;
  /** Median of engine / bare over back-to-back pairs of runs (same process, nearly same load). */
  decodeRatioPairsMedian: number;
  ttftRatio: number;
  sameText: boolean;
  /** Memory roofline for decoding: bandwidth / bytes of weights read per token. */
  rooflineTokensPerSecond?: number;
  weightBytes: number;
}

function summarise(runs: RunTiming[][]): SideSummary {
  const perProcessDecode = runs.map((r) => median(r.map((t) => t.decodeTokensPerSecond)));
  const perProcessTtftMs = runs.map((r) => median(r.map((t) => t.ttft * 1000)));
  return {
    decodeTokensPerSecond: median(perProcessDecode),
    ttftMs: median(perProcessTtftMs),
    hostMsPerToken: median(runs.map((r) => median(r.map((t) => t.hostMsPerToken)))),
    perProcessDecode,
    perProcessTtftMs,
  };
}

export function summarisePreset(
  base: Pick<PresetSummary, 'preset' | 'model' | 'newTokens' | 'weightBytes'> & {
    runsPerProcess: number;
    bandwidthBytesPerSecond?: number;
  },
  results: WorkerResult[],
): PresetSummary {
  const engine = summarise(results.map((r) => r.engine));
  const bare = summarise(results.map((r) => r.bare));
  const { bandwidthBytesPerSecond, ...rest } = base;
  return {
    ...rest,
    processes: results.length,
    engine,
    bare,
    decodeRatio: engine.decodeTokensPerSecond / bare.decodeTokensPerSecond,
    decodeRatioPairsMedian: median(
      results.flatMap((r) =>
        r.engine.map((e, i) => e.decodeTokensPerSecond / r.bare[i].decodeTokensPerSecond),
      ),
    ),
    ttftRatio: engine.ttftMs / bare.ttftMs,
    sameText: results.every((r) => r.sameText),
    rooflineTokensPerSecond: bandwidthBytesPerSecond
      ? bandwidthBytesPerSecond / base.weightBytes
      : undefined,
  };
}

export function formatTable(summaries: PresetSummary[]): string {
  const rows = [
    [
      'model',
      'engine tok/s',
      'bare tok/s',
      'ratio',
      'ratio/pair',
      'engine TTFT ms',
      'bare TTFT ms',
      'engine host ms/tok',
      'bare host ms/tok',
      'roofline tok/s',
      'same text',
    ],
    ...summaries.map((s) => [
      s.preset,
      s.engine.decodeTokensPerSecond.toFixed(1),
      s.bare.decodeTokensPerSecond.toFixed(1),
      s.decodeRatio.toFixed(3),
      s.decodeRatioPairsMedian.toFixed(3),
      s.engine.ttftMs.toFixed(1),
      s.bare.ttftMs.toFixed(1),
      s.engine.hostMsPerToken.toFixed(2),
      s.bare.hostMsPerToken.toFixed(2),
      s.rooflineTokensPerSecond?.toFixed(0) ?? '-',
      s.sameText ? 'yes' : 'NO',
    ]),
  ];
  return textTable(rows);
}

/** Rows of cells as right-aligned columns, the first row a header underlined with dashes. */
export function textTable(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padStart(widths[c])).join('  ');
  return [
    line(rows[0]),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...rows.slice(1).map(line),
  ].join('\n');
}
