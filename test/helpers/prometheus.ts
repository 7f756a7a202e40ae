import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from './temp-dir';

const MISSING = (tool: string) =>
  `${tool} is not installed: run \`apt-get install prometheus\` (Debian's package ships prometheus and promtool; .ci/run installs it)`;

/** Fails with one clear line when Debian's prometheus package (prometheus, promtool) is missing. */
export function requirePrometheusTool(tool: 'prometheus' | 'promtool'): void {
  const probe = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new Error(MISSING(tool));
}

export interface PrometheusSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface TestPrometheus {
  url: string;
  /** An instant query through the HTTP API; throws with Prometheus's error (a parse error). */
  query(expr: string): Promise<PrometheusSample[]>;
  /** Values of a label over the series that match `match` (what Grafana's label_values asks). */
  labelValues(label: string, match: string): Promise<string[]>;
  logs(): string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function api<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`Prometheus: ${body.error} (${url})`);
  return body.data;
}

async function waitReady(url: string, child: ChildProcess, logFile: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`prometheus did not start:\n${readFileSync(logFile, 'utf8')}`);
    const ready = await fetch(`${url}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) return;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * Debian's Prometheus on a free loopback port, with a fresh storage directory, scraping what
 * `scrapeConfigs` lists. Stop it in afterAll.
 */
export async function startPrometheus(scrapeConfigs: object[]): Promise<TestPrometheus> {
  requirePrometheusTool('prometheus');
  const dir = tempDir('prometheus');
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(
    configFile,
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      scrape_configs: scrapeConfigs,
    }),
  );
  const logFile = join(dir, 'prometheus.log');
  const port = await freePort();
  const log = openSync(logFile, 'w');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', log, log] },
  );
  closeSync(log);
  child.unref(); // stopped by stop(); never what keeps the test process alive
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitReady(url, child, logFile);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    url,
    query: async (expr) => {
      const data = await api<{ resultType: string; result: PrometheusSample[] }>(
        `${url}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      return data.resultType === 'vector' ? data.result : [];
    },
    labelValues: (label, match) =>
      api<string[]>(`${url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(match)}`),
    logs: () => readFileSync(logFile, 'utf8'),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
