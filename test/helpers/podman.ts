import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';

const execFileAsync = promisify(execFile);

/** The image `npm run test:container` built (test/container/run.sh exports its name). */
export function testImage(): string {
  const image = process.env.LLM_DEPLOY_TEST_IMAGE;
  if (!image) throw new Error('LLM_DEPLOY_TEST_IMAGE is not set: run `npm run test:container`');
  return image;
}

export interface PodmanOptions {
  /** A separate storage folder (`--root`/`--runroot` under it) instead of the default one. */
  storage?: string;
  timeoutMs?: number;
}

/** Runs podman; resolves to its trimmed stdout, rejects with the command and its stderr. */
export async function podman(args: string[], options: PodmanOptions = {}): Promise<string> {
  const storage = options.storage
    ? ['--root', `${options.storage}/root`, '--runroot', `${options.storage}/run`]
    : [];
  try {
    const { stdout } = await execFileAsync('podman', [...storage, ...args], {
      maxBuffer: 64 * 1024 * 1024,
      timeout: options.timeoutMs ?? 120_000,
    });
    return stdout.trim();
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    throw new Error(`podman ${args.join(' ')} failed: ${(e.stderr || e.message).trim()}`);
  }
}

export interface Container {
  id: string;
  /** http://127.0.0.1:<port> of the server inside. */
  url: string;
  logs(): Promise<string>;
  remove(): Promise<void>;
}

export interface ContainerOptions {
  image: string;
  /** Extra `podman run` arguments (mounts, env, --read-only, ...). */
  args?: string[];
  /** With --network=host: the port the server listens on (set PORT to it). Else 8080 is published. */
  hostPort?: number;
}

/** Starts a container detached and finds the server's address. */
export async function startContainer(options: ContainerOptions): Promise<Container> {
  const publish = options.hostPort === undefined ? ['-p', '127.0.0.1::8080'] : [];
  const id = await podman(['run', '-d', ...publish, ...(options.args ?? []), options.image]);
  const address =
    options.hostPort === undefined
      ? (await podman(['port', id, '8080/tcp'])).split('\n')[0]
      : `127.0.0.1:${options.hostPort}`;
  return {
    id,
    url: `http://${address}`,
    logs: () => podman(['logs', id]).catch((e: Error) => e.message),
    remove: async () => void (await podman(['rm', '-f', '-t', '0', id]).catch(() => '')),
  };
}

/** Polls /readyz until 200; fails early, with the logs, when the container stops. */
export async function waitForReady(container: Container, timeoutMs = 180_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = await fetch(`${container.url}/readyz`).then(
      (r) => r.status,
      () => 0,
    );
    if (status === 200) return;
    const state = await podman(['inspect', '--format', '{{.State.Status}}', container.id]);
    if (state !== 'running') {
      throw new Error(`container ${state} before ready:\n${await container.logs()}`);
    }
    await new Promise((done) => setTimeout(done, 250));
  }
  throw new Error(`not ready in ${timeoutMs / 1000} s:\n${await container.logs()}`);
}

/** A free loopback port for a server in a container on the host network. */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail()));
    });
  });
}

/** `podman save` as an OCI layout in `dir`: the paths of its layer blobs (in order) and all blobs. */
export async function saveImage(
  image: string,
  dir: string,
): Promise<{ layers: string[]; blobs: string[] }> {
  await podman(['save', '--format', 'oci-dir', '-o', dir, image], { timeoutMs: 300_000 });
  const blob = (digest: string) => join(dir, 'blobs', ...digest.split(':'));
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string }[];
  };
  const manifest = JSON.parse(readFileSync(blob(index.manifests[0].digest), 'utf8')) as {
    layers: { digest: string }[];
  };
  const all = join(dir, 'blobs', 'sha256');
  return {
    layers: manifest.layers.map((layer) => blob(layer.digest)),
    blobs: readdirSync(all).map((name) => join(all, name)),
  };
}

/** A blob's bytes, gunzipped when it is a compressed layer. */
export function blobBytes(path: string): Buffer {
  const bytes = readFileSync(path);
  return bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
}

/** A layer's entries, as GNU tar lists them: name and modification time. */
export async function layerEntries(path: string): Promise<{ name: string; mtime: string }[]> {
  const { stdout } = await execFileAsync('tar', ['-tv', '--full-time', '-f', path], {
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const fields = line.split(/\s+/);
      return { name: fields.slice(5).join(' '), mtime: `${fields[3]} ${fields[4]}` };
    });
}
