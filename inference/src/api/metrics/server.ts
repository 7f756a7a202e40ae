import Fastify, { type FastifyInstance } from 'fastify';
import type { Metrics } from './metrics';

/**
 * /metrics on its own port (METRICS_PORT), so it is never exposed where the API is: the Service
 * for users targets the API port; Prometheus scrapes this one. An engine with metrics of its own
 * (vLLM behind the gateway, listening on loopback only) has them served here after ours.
 */
export async function startMetricsServer(
  metrics: Metrics,
  host: string,
  port: number,
  engineMetrics: () => Promise<string | undefined> = async () => undefined,
): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  app.get('/metrics', async (_request, reply) => {
    reply.header('Content-Type', metrics.registry.contentType);
    const [ours, engine] = await Promise.all([
      metrics.registry.metrics(),
      engineMetrics().catch(() => undefined),
    ]);
    return engine ? `${ours.trimEnd()}\n${engine}` : ours;
  });
  await app.listen({ host, port });
  return app;
}
