import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/**
 * A client that trickles its body (slowloris) holds a socket and a parser; past `seconds` the
 * request fails with 408 and a JSON error, like any other bad request. The body is read through a
 * pass-through that fails alone, so the socket survives long enough to carry the answer.
 */
export function registerBodyTimeout(app: FastifyInstance, seconds: number): void {
  app.addHook('preParsing', async (request, reply, payload) => {
    const body = new PassThrough();
    // Fastify listens while it reads; after it stopped (e.g. a 413), a late failure is moot.
    body.on('error', () => undefined);
    const timer = setTimeout(() => {
      payload.unpipe(body);
      const error = Object.assign(
        new Error(`the request body did not arrive within ${seconds} s`),
        {
          statusCode: 408,
          code: 'BODY_TIMEOUT',
        },
      );
      body.destroy(error);
      request.raw.resume(); // discard whatever still trickles in
    }, seconds * 1000);
    body.once('close', () => clearTimeout(timer));
    reply.raw.once('close', () => clearTimeout(timer));
    payload.once('error', (error) => body.destroy(error));
    payload.pipe(body);
    return body;
  });
}
