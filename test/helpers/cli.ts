import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tempDir } from './temp-dir';

const ROOT = resolve(__dirname, '..', '..');
/** Node 24 from the `node` devDependency, as npm scripts run it. */
export const NODE = join(ROOT, 'node_modules', '.bin', 'node');
export const CLI = join(ROOT, 'inference', 'bin', 'llm-deploy.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The child's whole environment: nothing inherited from the test run (no HF_TOKEN, MODEL, ... of
 * the developer's), a fresh HOME and model cache unless `env` sets them.
 */
function childEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const home = tempDir('home');
  return { PATH: process.env.PATH, HOME: home, CACHE_DIR: join(home, 'cache'), ...env };
}

/**
 * The CLI runs the compiled dist/; fail with the fix rather than test stale code when a source
 * file is newer than its build.
 */
export function assertBuildIsFresh(): void {
  const src = join(ROOT, 'inference', 'src');
  const stale = (readdirSync(src, { recursive: true }) as string[])
    .filter((file) => file.endsWith('.ts'))
    .filter((file) => {
      const built = join(ROOT, 'inference', 'dist', 'src', file.replace(/\.ts$/, '.js'));
      try {
        return statSync(built).mtimeMs < statSync(join(src, file)).mtimeMs;
      } catch {
        return true;
      }
    });
  if (stale.length > 0) {
    throw new Error(
      `inference/dist is older than ${relative(ROOT, join(src, stale[0]))}: run npm run build`,
    );
  }
}

/** Runs `llm-deploy ...args` to completion (asynchronously: the test's own servers keep serving). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<CliResult> {
  const child = spawn(NODE, [CLI, ...args], { env: childEnv(env), cwd: ROOT });
  const result = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (result.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (result.stderr += chunk.toString()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`llm-deploy ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, ...result });
    });
  });
}

export interface RunningCli {
  child: ChildProcess;
  /** Everything written so far to stdout and stderr. */
  output(): string;
  /** Resolves once the output matches `pattern`, with the match. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends `signal` and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Starts a long-running `llm-deploy ...args` (serve). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(NODE, [CLI, ...args], { env: childEnv(env), cwd: ROOT });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    listeners.forEach((notify) => notify());
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<number | null>((resolveExit) => child.on('close', resolveExit));
  return {
    child,
    output: () => output,
    waitFor: (pattern, timeoutMs = 60_000) =>
      new Promise((resolveMatch, reject) => {
        const check = () => {
          const match = pattern.exec(output);
          if (!match) return;
          cleanup();
          resolveMatch(match);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`no ${pattern} in llm-deploy's output:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      }),
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}
