import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';

export interface RecordedRequest {
  method: string;
  path: string;
  authorization?: string;
  /** transformers.js probes sizes with `Range: bytes=0-0` before it downloads. */
  range?: string;
}

export interface LoopbackHub {
  /** Base URL to use as HF_ENDPOINT, e.g. http://127.0.0.1:43121 */
  url: string;
  requests: RecordedRequest[];
  /** Requests that reached the file host large files are redirected to (when `redirectLargeFiles`). */
  fileHostRequests: RecordedRequest[];
  close(): Promise<void>;
}

export interface LoopbackHubOptions {
  /** `owner/name` -> revision -> model folder served for it. */
  repos: Record<string, Record<string, string>>;
  /** When set, every request must carry `Authorization: Bearer <token>`, else 401. */
  token?: string;
  /**
   * Answer ONNX files with a 302 to a second server on another port (another origin), as the
   * Hub does for LFS files; that server serves them without asking for a token.
   */
  redirectLargeFiles?: boolean;
}

const RESOLVE = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/;

/**
 * A real HTTP server on 127.0.0.1 serving model folders in the Hugging Face Hub's URL layout
 * (`/{owner}/{name}/resolve/{revision}/{file}`), with its error statuses: 401 without the right
 * token, 404 for an unknown repository, revision or file.
 */
export async function startLoopbackHub(options: LoopbackHubOptions): Promise<LoopbackHub> {
  const requests: RecordedRequest[] = [];
  const fileHostRequests: RecordedRequest[] = [];
  const fileHost = await listen((req, res) => {
    fileHostRequests.push(record(req));
    serveFile(req, res, options.repos, decodeURIComponent(req.url ?? ''));
  });
  const hub = await listen((req, res) => {
    requests.push(record(req));
    if (options.token && req.headers.authorization !== `Bearer ${options.token}`) {
      res.writeHead(401, { 'x-error-message': 'Invalid credentials in Authorization header' });
      res.end('Invalid credentials in Authorization header');
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://hub').pathname);
    if (options.redirectLargeFiles && /\.onnx(_data)?$/.test(path)) {
      res.writeHead(302, { location: `${address(fileHost)}${encodeURI(path)}` });
      res.end();
      return;
    }
    serveFile(req, res, options.repos, path);
  });
  return {
    url: address(hub),
    requests,
    fileHostRequests,
    close: async () => {
      await Promise.all([close(hub), close(fileHost)]);
    },
  };
}

function serveFile(
  req: IncomingMessage,
  res: ServerResponse,
  repos: LoopbackHubOptions['repos'],
  path: string,
): void {
  const match = RESOLVE.exec(path);
  const folder = match ? repos[match[1]]?.[match[2]] : undefined;
  const file = match && folder ? join(folder, normalize(match[3])) : undefined;
  if (!file || !file.startsWith(folder!) || !existsSync(file) || !statSync(file).isFile()) {
    res.writeHead(404, { 'x-error-code': 'EntryNotFound' });
    res.end('Entry not found');
    return;
  }
  const size = statSync(file).size;
  const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  const end = range && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
  res.writeHead(range ? 206 : 200, {
    'content-length': end - start + 1,
    'content-type': 'application/octet-stream',
    ...(range ? { 'content-range': `bytes ${start}-${end}/${size}` } : {}),
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file, { start, end }).pipe(res);
}

function record(req: IncomingMessage): RecordedRequest {
  return {
    method: req.method ?? '',
    path: decodeURIComponent(req.url ?? ''),
    authorization: req.headers.authorization,
    range: req.headers.range,
  };
}

function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

function address(server: Server): string {
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function close(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
