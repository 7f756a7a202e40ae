import type { FastifyReply } from 'fastify';

export interface ServerSentEvent {
  event?: string;
  id?: string;
  /** Multi-line data is split into several `data:` lines as the spec requires (CR and CRLF read as LF). */
  data: string;
}

/**
 * A text/event-stream response written straight to the socket (Fastify steps aside), with the
 * headers that stop proxies from buffering it. Writes after the client left are dropped.
 */
export class EventStream {
  private ended = false;

  constructor(private readonly reply: FastifyReply) {
    reply.hijack();
    const headers = { ...reply.getHeaders() } as Record<string, string>;
    reply.raw.writeHead(200, {
      ...headers,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    reply.raw.flushHeaders();
  }

  get open(): boolean {
    return !this.ended && !this.reply.raw.destroyed;
  }

  send(event: ServerSentEvent): void {
    if (!this.open) return;
    let frame = '';
    if (event.id !== undefined) frame += `id: ${event.id}\n`;
    if (event.event !== undefined) frame += `event: ${event.event}\n`;
    // A bare CR ends a line in SSE too: split on every line ending so none can break the frame.
    for (const line of event.data.split(/\r\n|\r|\n/)) frame += `data: ${line}\n`;
    this.reply.raw.write(`${frame}\n`);
  }

  /** A comment line: keeps idle connections alive through proxies. */
  ping(): void {
    if (this.open) this.reply.raw.write(': ping\n\n');
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (!this.reply.raw.destroyed) this.reply.raw.end();
  }
}
