import type { FastifyReply } from 'fastify';

/**
 * An AbortSignal that fires when the client goes away before its response is complete, so its
 * generation stops within one token and frees its slot.
 */
export function abortOnDisconnect(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
