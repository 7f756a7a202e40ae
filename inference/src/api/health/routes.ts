import type { FastifyInstance } from 'fastify';
import type { Lifecycle } from '../../lifecycle';

/** Kubernetes probes: /healthz says the process lives, /readyz that it can serve now. */
export function registerHealthRoutes(app: FastifyInstance, lifecycle: Lifecycle): void {
  app.get('/healthz', { config: { protocol: 'plain', public: true } }, async () => ({
    status: 'ok',
  }));
  app.get('/readyz', { config: { protocol: 'plain', public: true } }, async (_request, reply) => {
    if (lifecycle.ready) return { status: 'ready' };
    reply.header('Retry-After', '5').code(503);
    return { status: lifecycle.state.toLowerCase() };
  });
}
