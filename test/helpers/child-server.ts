import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { setUpEngine } from './engines';

const CLI = resolve(__dirname, '..', '..', 'inference', 'bin', 'llm-deploy.js');

export interface ChildServer {
  process: ChildProcess;
  url: string;
  exited: Promise<number | null>;
  logs(): string;
}

/**
 * `llm-deploy serve` as a real child process (for signals), on an ephemeral port, ready, on the
 * engine under test (TEST_ENGINE); what the engine needed stops when the child exits.
 */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const engine = await setUpEngine();
  const child = spawn(process.execPath, [CLI, 'serve'], {
    env: {
      ...process.env,
      ...engine.env,
      HOST: '127.0.0.1',
      PORT: '0',
      METRICS_PORT: '0',
      LOG_LEVEL: 'info',
      HF_HUB_OFFLINE: 'true',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  void exited.then(() => engine.close());
  const started = Date.now();
  let url: string | undefined;
  while (!url) {
    if (Date.now() - started > 30_000 || child.exitCode !== null)
      throw new Error(`server did not start:\n${output}`);
    url = /listening on (http:\/\/[\d.:]+)/.exec(output)?.[1];
    await new Promise((r) => setTimeout(r, 50));
  }
  while ((await fetch(`${url}/readyz`)).status !== 200) {
    if (Date.now() - started > 60_000) throw new Error(`server not ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { process: child, url, exited, logs: () => output };
}
