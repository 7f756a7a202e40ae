import { createReadStream, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, relative } from 'node:path';

export interface HubRequest {
  method: string;
  path: string;
  authorization?: string;
}

export interface FakeHub {
  /** Base URL for HF_ENDPOINT, e.g. http://127.0.0.1:41234 */
  url: string;
  requests: HubRequest[];
  close(): Promise<void>;
}

export interface FakeHubOptions {
  /** Hub id (`owner/name`) -> local model folder served under it, at any revision. */
  models: Record<string, string>;
  /** When set, every request must carry `Authorization: Bearer <token>` (else 401, like a gated repo). */
  token?: string;
}

const RESOLVE = /^\/([^/]+\/[^/]+)\/resolve\/[^/]+\/(.+)$/;
const MODEL_INFO = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/[^/]+$/;

/**
 * A stand-in for the Hugging Face Hub's file route (`/<owner>/<name>/resolve/<revision>/<file>`)
 * and model info route (`/api/models/<owner>/<name>/revision/<revision>`, its `siblings` the
 * folder's files with their sizes) on an ephemeral loopback port, serving local folders. Records
 * each request.
 */
export async function startFakeHub(options: FakeHubOptions): Promise<FakeHub> {
  const requests: HubRequest[] = [];
  const server = createServer((req, res) => {
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
    });
    const file = resolveFile(options.models, req);
    const info = modelInfo(options.models, req);
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Invalid credentials in Authorization header' }));
    } else if (info) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(info));
    } else if (!file) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'Entry not found' }));
    } else {
      res.writeHead(200, {
        'content-length': statSync(file).size,
        'content-type': 'application/octet-stream',
      });
      if (req.method === 'HEAD') res.end();
      else createReadStream(file).pipe(res);
    }
  });
  // Keep-alive like the real Hub, and long: a client reusing a socket the server is just closing
  // fails with "fetch failed", and a server that closes after each response can trip undici's
  // assert(!this.paused) while the client is still writing a body to disk (nodejs/undici#5360).
  server.keepAliveTimeout = 120_000;
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}

function resolveFile(models: Record<string, string>, req: IncomingMessage): string | undefined {
  const match = RESOLVE.exec(decodeURIComponent((req.url ?? '').split('?')[0]));
  const folder = match ? models[match[1]] : undefined;
  if (!match || !folder) return undefined;
  const relative = normalize(match[2]);
  if (relative.startsWith('..')) return undefined;
  const path = join(folder, relative);
  return existsSync(path) && statSync(path).isFile() ? path : undefined;
}

function modelInfo(models: Record<string, string>, req: IncomingMessage): object | undefined {
  const match = MODEL_INFO.exec(decodeURIComponent((req.url ?? '').split('?')[0]));
  const folder = match ? models[match[1]] : undefined;
  if (!match || !folder) return undefined;
  const siblings = readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { rfilename: relative(folder, path), size: statSync(path).size };
    });
  return { id: match[1], siblings };
}
