import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  body: Record<string, unknown>;
  /** The body exactly as sent, what a signature covers. */
  raw: string;
  headers: IncomingHttpHeaders;
  /** ms since the receiver started */
  at: number;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** Requests answered so far, failures included. */
  attempts: number;
  /** The headers of every request, failures included, in order. */
  attemptHeaders: IncomingHttpHeaders[];
  /** Resolves once a received body satisfies `predicate`. */
  waitFor(predicate: (body: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that records JSON webhook bodies. The first `failFirst` requests are
 * answered `failStatus` (default 503) and not recorded, to exercise the sender's retries.
 */
export async function startWebhookReceiver(
  options: { failFirst?: number; failStatus?: number; host?: string } = {},
): Promise<WebhookReceiver> {
  const started = performance.now();
  const received: ReceivedWebhook[] = [];
  const waiters: { predicate: (b: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
  let attempts = 0;
  const attemptHeaders: IncomingHttpHeaders[] = [];
  const server: Server = createServer((request, response) => {
    let raw = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (raw += chunk));
    request.on('end', () => {
      attempts++;
      attemptHeaders.push(request.headers);
      if (attempts <= (options.failFirst ?? 0)) {
        response.writeHead(options.failStatus ?? 503).end();
        return;
      }
      const body = JSON.parse(raw) as Record<string, unknown>;
      received.push({ body, raw, headers: request.headers, at: performance.now() - started });
      response.writeHead(200).end();
      for (const waiter of [...waiters]) {
        if (waiter.predicate(body)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}/hook?token=secret`,
    received,
    attemptHeaders,
    get attempts() {
      return attempts;
    },
    waitFor(predicate, timeoutMs = 50_000) {
      if (received.some((r) => predicate(r.body))) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching webhook within ${timeoutMs} ms`)),
          timeoutMs,
        );
        waiters.push({
          predicate,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
