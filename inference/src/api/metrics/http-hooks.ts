import type { FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/** Counts every response by route pattern (never the raw URL: ids would make labels unbounded). */
export function registerRequestMetrics(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    metrics.requests.inc({ route, status: String(reply.statusCode) });
    metrics.requestDuration.observe({ route }, reply.elapsedTime / 1000);
  });
}
