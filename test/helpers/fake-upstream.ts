import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** A request the fake engine received, and whether its client went away before the end. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
  /** The connection closed before the response was complete (the gateway cancelled). */
  aborted: boolean;
}

/** Writes a streamed completion the way OpenAI-compatible engines do. */
export interface StreamWriter {
  /** A chunk carrying `text` (chat: delta.content; completions: text). */
  text(text: string): void;
  finish(reason: string, usage?: { prompt_tokens: number; completion_tokens: number }): void;
  /** `data: [DONE]` and the end of the response. */
  done(): void;
  raw: ServerResponse;
}

export type CompletionHandler = (
  request: RecordedRequest,
  stream: StreamWriter,
  response: ServerResponse,
) => void | Promise<void>;

export interface FakeUpstreamOptions {
  /** Which tokenizer route it has; a whitespace tokenizer either way. @default 'vllm' */
  tokenizer?: 'vllm' | 'llama.cpp' | 'none';
  /** vLLM without a chat template refuses chats (400), on /tokenize too. @default true */
  chatTemplate?: boolean;
  contextLength?: number;
  model?: string;
  /** How generation routes answer. @default one word per requested token, then usage */
  completion?: CompletionHandler;
}

export interface FakeUpstream {
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Generation requests only (/v1/completions, /v1/chat/completions). */
  generations(): RecordedRequest[];
  /** Resolves once a generation request's connection closed early. */
  waitForAbort(timeoutMs?: number): Promise<RecordedRequest>;
  close(): Promise<void>;
}

const words = (text: string) => text.split(/\s+/).filter((w) => w.length > 0);

/** Streams `max_tokens` words (w0 w1 ...), then the finish and usage chunks. */
export const countingCompletion: CompletionHandler = (request, stream) => {
  const max = Number(request.body.max_tokens ?? 16);
  for (let i = 0; i < max; i++) stream.text(` w${i}`);
  stream.finish('length', { prompt_tokens: 1, completion_tokens: max });
  stream.done();
};

/**
 * An OpenAI-compatible engine on loopback that records what it was asked, for what a real
 * upstream cannot be made to do on cue: stall, fail, speak llama.cpp's dialect.
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const requests: RecordedRequest[] = [];
  const abortWaiters: ((r: RecordedRequest) => void)[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (raw += chunk));
    req.on('end', () => {
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0],
        headers: req.headers,
        body: raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
        aborted: false,
      };
      requests.push(recorded);
      res.once('close', () => {
        if (res.writableFinished) return;
        recorded.aborted = true;
        abortWaiters.splice(0).forEach((resolve) => resolve(recorded));
      });
      void route(recorded, res, options);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    generations: () => requests.filter((r) => r.path.startsWith('/v1/') && r.path !== '/v1/models'),
    waitForAbort: (timeoutMs = 10_000) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no request was aborted')), timeoutMs);
        timer.unref();
        abortWaiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

async function route(request: RecordedRequest, res: ServerResponse, options: FakeUpstreamOptions) {
  const model = options.model ?? 'fake';
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const { path, body } = request;
  if (path === '/health') return json(200, {});
  if (path === '/metrics') {
    return res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      .end(
        '# HELP vllm:num_requests_waiting Number of requests waiting to be processed.\n' +
          '# TYPE vllm:num_requests_waiting gauge\n' +
          `vllm:num_requests_waiting{model_name="${model}"} 3.0\n`,
      );
  }
  if (path === '/v1/models')
    return json(200, { object: 'list', data: [{ id: model, object: 'model' }] });
  if (path === '/tokenize') return tokenize(body, options, json);
  if (path === '/apply-template' && options.tokenizer === 'llama.cpp') {
    const messages = body.messages as { content: string }[];
    return json(200, { prompt: `<chat> ${messages.map((m) => m.content).join(' ')} <reply>` });
  }
  if (path === '/props' && options.tokenizer === 'llama.cpp')
    return json(200, { default_generation_settings: { n_ctx: options.contextLength ?? 2048 } });
  if (path === '/v1/completions' || path === '/v1/chat/completions') {
    const chat = path === '/v1/chat/completions';
    // Headers go with the first chunk: a handler may answer with an error status instead.
    const head = () =>
      res.headersSent || res.writeHead(200, { 'content-type': 'text/event-stream' });
    const send = (chunk: object) => head() && res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    const stream: StreamWriter = {
      text: (text) =>
        send({ choices: [chat ? { index: 0, delta: { content: text } } : { index: 0, text }] }),
      finish: (reason, usage) => {
        send({
          choices: [
            chat
              ? { index: 0, delta: {}, finish_reason: reason }
              : { index: 0, text: '', finish_reason: reason },
          ],
        });
        if (usage) send({ choices: [], usage });
      },
      done: () => head() && res.end('data: [DONE]\n\n'),
      raw: res,
    };
    return (options.completion ?? countingCompletion)(request, stream, res);
  }
  json(404, { error: 'not found' });
}

function tokenize(
  body: Record<string, unknown>,
  options: FakeUpstreamOptions,
  json: (status: number, body: unknown) => void,
) {
  const dialect = options.tokenizer ?? 'vllm';
  if (dialect === 'llama.cpp' && typeof body.content === 'string')
    return json(200, { tokens: words(body.content).map((_, i) => i) });
  if (dialect !== 'vllm') return json(404, { error: 'not found' });
  if (body.messages && options.chatTemplate === false)
    return json(400, { error: { message: 'secret-internal: no chat template' } });
  if (typeof body.prompt !== 'string' && !Array.isArray(body.messages))
    return json(400, { error: 'send prompt or messages' });
  const text =
    typeof body.prompt === 'string'
      ? body.prompt
      : (body.messages as { content: string }[]).map((m) => m.content).join(' ');
  const tokens = words(text).map((_, i) => i);
  json(200, { count: tokens.length, max_model_len: options.contextLength ?? 2048, tokens });
}
