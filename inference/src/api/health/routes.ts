import type { FastifyInstance } from 'fastify';
import { routeConfig } from '../../http/route-config';
import type { Lifecycle } from '../../lifecycle';

/** Kubernetes probes: /healthz says the process lives, /readyz that it can serve now. */
export function registerHealthRoutes(app: FastifyInstance, lifecycle: Lifecycle): void {
  app.get('/healthz', routeConfig({ protocol: 'plain', access: 'public' }), async () => ({
    status: 'ok',
  }));
  app.get(
    '/readyz',
    routeConfig({ protocol: 'plain', access: 'public' }),
    async (_request, reply) => {
      if (lifecycle.ready) return { status: 'ready' };
      reply.header('Retry-After', '5').code(503);
      const engineAway = lifecycle.state === 'READY' && !lifecycle.engineAvailable;
      return { status: engineAway ? 'engine_unavailable' : lifecycle.state.toLowerCase() };
    },
  );
}
