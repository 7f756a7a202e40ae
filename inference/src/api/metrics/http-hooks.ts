import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/**
 * Counts every response by route pattern (never the raw URL: ids would make labels unbounded).
 * Hooked on the socket response, so streamed (hijacked) replies are counted too.
 */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (request, reply) => {
    const started = performance.now();
    reply.raw.once('close', () => {
      const route = request.routeOptions.url ?? 'unmatched';
      metrics.requests.inc({ route, status: String(reply.raw.statusCode) });
      metrics.requestDuration.observe({ route }, (performance.now() - started) / 1000);
    });
  });
}
