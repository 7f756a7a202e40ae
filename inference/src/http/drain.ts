import type { FastifyInstance } from 'fastify';
import { ShuttingDown } from '../errors';
import type { Lifecycle } from '../lifecycle';
import { accessOf } from './auth';

/**
 * Counts requests in flight (streams included: counted until their socket response closes) and,
 * once draining, answers new non-public writes 503 with Retry-After; probes and reads keep answering.
 */
export function registerDrain(
  app: FastifyInstance,
  lifecycle: Lifecycle,
): { inFlight: () => number } {
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    // While draining, reads still work (clients poll predictions that are finishing); no new work.
    const read = request.method === 'GET' || request.method === 'HEAD';
    if (lifecycle.state === 'DRAINING' && accessOf(request) !== 'public' && !read) {
      throw new ShuttingDown(
        'the server is shutting down; retry shortly (another replica will answer)',
      );
    }
    inFlight++;
    reply.raw.once('close', () => inFlight--);
  });
  return { inFlight: () => inFlight };
}
