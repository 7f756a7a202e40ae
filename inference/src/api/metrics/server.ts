import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/**
 * /metrics on its own port (METRICS_PORT), so it is never exposed where the API is: the Service
 * for users targets the API port; Prometheus scrapes this one.
 */
export async function startMetricsServer(
  metrics: Metrics,
  host: string,
  port: number,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
  await app.listen({ host, port });
  return app;
}
