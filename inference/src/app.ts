import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerHealthRoutes } from './api/health/routes';
import { registerRequestMetrics } from './api/metrics/http-hooks';
import { registerOpenAIRoutes } from './api/openai/routes';
import type { Metrics } from './api/metrics/metrics';
import type { ServerConfig } from './config';
import { protocolOf, sendError, toHttpError } from './http/errors';
import type { Lifecycle } from './lifecycle';
import { registerDisclosureHeaders } from './safety/disclosure';

export interface AppDeps {
  config: ServerConfig;
  lifecycle: Lifecycle;
  metrics: Metrics;
  /** pino options, or false for a silent app (tests). */
  logger?: boolean | object;
}

/** Builds the HTTP app without listening, so tests can drive it in process or on a port. */
export async function createApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: 1024 * 1024,
    // Client-supplied ids are not trusted as request ids; ours are echoed in X-Request-Id.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  app.setErrorHandler((error, request, reply) => {
    const protocol = protocolOf(request);
    const httpError = toHttpError(error, protocol);
    if (httpError.status >= 500) request.log.error({ err: error }, 'request failed');
    return sendError(reply, httpError, protocol);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      {
        status: 404,
        type: 'not_found',
        message: `no route ${request.method} ${request.url.split('?')[0]}`,
      },
      protocolOf(request),
    ),
  );
  registerRequestMetrics(app, deps.metrics);
  registerDisclosureHeaders(app, deps.config.servedModelName);
  registerHealthRoutes(app, deps.lifecycle);
  registerOpenAIRoutes(app, deps);
  return app;
}
