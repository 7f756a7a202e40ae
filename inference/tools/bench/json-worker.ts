import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

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

/**
 * A bench worker that stays up between measurements, so that its runs can alternate with another
 * side's run by run: one JSON line in (stdin), one JSON line out (stdout), until closed.
 */
export class JsonWorker<Request, Reply> {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly replies: AsyncIterator<string>;
  private readonly exited: Promise<number | null>;

  constructor(
    private readonly script: string,
    task: unknown,
    env: Record<string, string> = {},
  ) {
    this.child = spawn(process.execPath, [script, JSON.stringify(task)], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    this.replies = createInterface({ input: this.child.stdout })[Symbol.asyncIterator]();
    this.exited = new Promise((done) => this.child.once('close', (code) => done(code)));
  }

  async ask(request: Request): Promise<Reply> {
    this.child.stdin.write(JSON.stringify(request) + '\n');
    const line = await this.replies.next();
    if (line.done)
      throw new Error(`bench worker ${basename(this.script)} exited with ${await this.exited}`);
    return JSON.parse(line.value) as Reply;
  }

  /** Ends its input; it cleans up and exits. */
  async close(): Promise<void> {
    this.child.stdin.end();
    const code = await this.exited;
    if (code !== 0) throw new Error(`bench worker ${basename(this.script)} exited with ${code}`);
  }
}
