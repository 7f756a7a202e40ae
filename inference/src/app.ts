import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import { registerCogRoutes, type BrowserPage } from './api/cog/routes';
import type { AppDeps } from './api/deps';
import { registerHealthRoutes } from './api/health/routes';
import { registerRequestMetrics } from './api/metrics/http-hooks';
import { registerPredictions } from './api/predictions';
import { registerReplicateRoutes } from './api/replicate/routes';
import { registerOpenAIRoutes } from './api/openai/routes';
import { registerPlaygroundRoutes, sendPlaygroundPage, wantsHtml } from './api/playground/routes';
import { registerAuth, type RouteAccess } from './http/auth';
import { registerBodyTimeout } from './http/body-timeout';
import { registerCors } from './http/cors';
import { registerDrain } from './http/drain';
import { protocolOf, sendError, toHttpError } from './http/errors';
import { currentAccount } from './http/request-context';
import type { RouteConfig } from './http/route-config';
import { registerDisclosureHeaders } from './safety/disclosure';
import { ValidationError } from './errors';
import { hasMalformedText } from './http/unicode';

export interface App {
  app: FastifyInstance;
  /** Requests being answered now, streams included. */
  inFlight: () => number;
  /** Every route and its access decision. */
  routes: RouteAccess[];
}

export type { AppDeps } from './api/deps';

/** Builds the HTTP app without listening, so tests can drive it in process or on a port. */
export async function createApp(deps: AppDeps): Promise<App> {
  const app = Fastify({
    logger: deps.logger ?? false,
    bodyLimit: deps.config.bodyLimitBytes,
    // Client-supplied ids are not trusted as request ids; ours are echoed in X-Request-Id.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    // Requests the router cannot even parse (malformed URL, bad Content-Type) get our error shape.
    frameworkErrors: (error, request, reply) => {
      const protocol = protocolOf(request);
      sendError(reply, toHttpError(error, protocol), protocol);
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  // Before auth and drain: preflights carry no credentials, and refusals must be readable.
  await registerCors(app, deps.config.corsOrigins);
  // JSON only: a text/plain body is a client mistake (415), not a string prompt.
  app.removeContentTypeParser('text/plain');
  registerBodyTimeout(app, deps.config.bodyTimeoutSeconds);
  app.addHook('preValidation', async (request) => {
    if (hasMalformedText(request.body)) {
      throw new ValidationError(
        'the request body holds text that is not valid Unicode (an unpaired surrogate)',
        'body',
      );
    }
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
  // Order matters: metrics see every answer (401s and 503s included); auth runs last so the
  // handler runs inside the caller's request context.
  registerRequestMetrics(app, deps.metrics);
  registerDisclosureHeaders(app, deps.config.servedModelName);
  const { inFlight } = registerDrain(app, deps.lifecycle);
  const routes = registerAuth(app, deps.apiKeys);
  app.addHook('preHandler', async (request) => {
    if ((request.routeOptions.config as Partial<RouteConfig>).generates)
      deps.rateLimiter.admit(currentAccount());
  });
  registerHealthRoutes(app, deps.lifecycle);
  const predictionDeps = registerPredictions(app, deps);
  const browserPage: BrowserPage | undefined = deps.config.playground
    ? (request, reply) => (wantsHtml(request) ? sendPlaygroundPage(reply) : undefined)
    : undefined;
  registerCogRoutes(app, predictionDeps, browserPage);
  registerReplicateRoutes(app, predictionDeps);
  registerOpenAIRoutes(app, deps);
  await registerPlaygroundRoutes(app, deps);
  return { app, inFlight, routes };
}
