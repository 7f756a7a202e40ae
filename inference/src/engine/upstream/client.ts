import { Agent, request, type Dispatcher } from 'undici';
import { EngineUnavailable } from '../../errors';
import { failureOfResponse, failureOfTransport } from './failures';
import { sseData } from './sse';

/** Where the backend writes what operators need and clients must not see (upstream bodies). */
export interface EngineLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface UpstreamClientOptions {
  /** The engine's base URL (http://127.0.0.1:8000); a trailing /v1 is accepted and dropped. */
  url: string;
  apiKey?: string;
  /** Longest wait for response headers, or for the next chunk of a body. */
  timeoutSeconds: number;
  /** Pooled keep-alive connections: one per stream in flight, plus probes. */
  connections: number;
  log?: EngineLog;
  /** The engine could not be reached (refused, reset, unresolvable): readiness drops at once. */
  onUnreachable?: (reason: string) => void;
}

/** What a JSON call answered: a status the caller decides on, and the parsed body. */
export interface JsonAnswer {
  status: number;
  body: unknown;
}

/** Probes and tokenizer calls are short: they never wait the full generation timeout. */
const PROBE_TIMEOUT_MS = 5000;

/**
 * HTTP to one OpenAI-compatible engine over pooled keep-alive connections. Failures become our
 * typed errors (failures.ts); what the engine said goes to the log, never to the caller.
 */
export class UpstreamClient {
  private readonly agent: Agent;
  private readonly base: string;
  private readonly headers: Record<string, string>;

  constructor(private readonly options: UpstreamClientOptions) {
    this.base = options.url.replace(/\/+$/, '').replace(/\/v1$/, '');
    this.agent = new Agent({ connections: options.connections, keepAliveTimeout: 30_000 });
    this.headers = options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {};
  }

  /** GET or POST with a short timeout; any status comes back, transport failures throw. */
  async probe(method: 'GET' | 'POST', path: string, body?: object, signal?: AbortSignal) {
    const response = await this.send(method, path, body, signal, PROBE_TIMEOUT_MS);
    return { status: response.statusCode, body: await readJson(response) } satisfies JsonAnswer;
  }

  /** GET of a text body (the engine's /metrics); undefined unless it answers 200. */
  async text(path: string): Promise<string | undefined> {
    const response = await this.send('GET', path, undefined, undefined, PROBE_TIMEOUT_MS);
    const text = await response.body.text();
    return response.statusCode === 200 ? text : undefined;
  }

  /** POST that must succeed: a non-2xx status throws the typed error it maps to. */
  async call(path: string, body: object, signal?: AbortSignal): Promise<unknown> {
    const response = await this.send('POST', path, body, signal, PROBE_TIMEOUT_MS);
    if (response.statusCode >= 300) throw await this.failure(path, response);
    return readJson(response);
  }

  /**
   * POST with `stream: true`: yields each SSE event's data until the body ends. Aborting
   * `signal` (or returning early) closes the connection, which cancels the request upstream.
   */
  async stream(path: string, body: object, signal: AbortSignal): Promise<AsyncIterable<string>> {
    const timeoutMs = this.options.timeoutSeconds * 1000;
    const response = await this.send('POST', path, body, signal, timeoutMs);
    if (response.statusCode >= 300) throw await this.failure(path, response);
    return this.guardTransport(sseData(response.body), signal);
  }

  async close(): Promise<void> {
    await this.agent.destroy();
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    body: object | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<Dispatcher.ResponseData> {
    try {
      return await request(`${this.base}${path}`, {
        method,
        dispatcher: this.agent,
        headers: body ? { ...this.headers, 'content-type': 'application/json' } : this.headers,
        body: body ? JSON.stringify(body) : undefined,
        signal,
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
    } catch (error) {
      if (signal?.aborted) throw error;
      this.options.log?.warn({ path, error: describe(error) }, 'inference engine unreachable');
      const failure = failureOfTransport(error, this.options.timeoutSeconds);
      if (failure instanceof EngineUnavailable) this.options.onUnreachable?.(failure.message);
      throw failure;
    }
  }

  /** A transport failure in the middle of a body, mapped like one before it. */
  private async *guardTransport(
    data: AsyncIterable<string>,
    signal: AbortSignal,
  ): AsyncGenerator<string> {
    try {
      yield* data;
    } catch (error) {
      if (signal.aborted) throw error;
      this.options.log?.warn({ error: describe(error) }, 'inference engine stream broke off');
      throw failureOfTransport(error, this.options.timeoutSeconds);
    }
  }

  private async failure(path: string, response: Dispatcher.ResponseData): Promise<Error> {
    const text = await response.body.text().catch(() => '');
    this.options.log?.warn(
      { path, status: response.statusCode, body: text.slice(0, 1000) },
      'inference engine refused a request',
    );
    return failureOfResponse(response.statusCode, text, response.headers['retry-after']);
  }
}

async function readJson(response: Dispatcher.ResponseData): Promise<unknown> {
  const text = await response.body.text();
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: string }).code;
  return code ? `${code}: ${error.message}` : error.message;
}
