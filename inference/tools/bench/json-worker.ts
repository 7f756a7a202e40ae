import { spawn } from 'node:child_process';
import { basename } from 'node:path';

/**
 * Runs a bench worker script in its own Node process with `task` as its JSON argument and
 * resolves with the JSON it prints on stdout (its stderr goes to ours).
 */
export function runJsonWorker<T>(
  script: string,
  task: unknown,
  env: Record<string, string> = {},
): Promise<T> {
  const child = spawn(process.execPath, [script, JSON.stringify(task)], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0
        ? done(JSON.parse(stdout) as T)
        : fail(new Error(`bench worker ${basename(script)} exited with ${code}`)),
    );
  });
}
