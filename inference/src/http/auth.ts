import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Unauthorized } from '../errors';
import type { ApiKeys } from './api-keys';
import { requestContext } from './request-context';

/** Every route says who may call it; a route without a decision stops the server from starting. */
export type Access = 'public' | 'key';

/**
 * Routes that plugins register (static files of the playground and the API docs) are the
 * "static shell": public, holding no data. Anything else must carry `config.access`.
 */
const STATIC_SHELL_PREFIXES = ['/playground', '/docs'];

export function accessOf(request: FastifyRequest): Access {
  return ((request.routeOptions?.config as { access?: Access } | undefined)?.access ??
    'key') as Access;
}

/**
 * Bearer auth on every route but the public ones, including unknown paths (so 404s do not map the
 * API for strangers). With no keys configured the server is open, and says so loudly at start.
 */
export function registerAuth(app: FastifyInstance, keys: ApiKeys): void {
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access };
    if (config.access) return;
    if (
      STATIC_SHELL_PREFIXES.some(
        (prefix) => route.url === prefix || route.url.startsWith(`${prefix}/`),
      )
    ) {
      route.config = { ...config, access: 'public' };
      return;
    }
    throw new Error(
      `route ${String(route.method)} ${route.url} has no access decision: set config.access to 'public' or 'key'`,
    );
  });
  app.addHook('onReady', async () => {
    if (!keys.enabled)
      app.log.warn(
        'NO API KEYS CONFIGURED: every route is open to anyone who can reach this port; set API_KEYS or API_KEYS_FILE',
      );
  });
  app.addHook('onRequest', (request, _reply, done) => {
    let account = 'anonymous';
    if (keys.enabled && accessOf(request) === 'key') {
      const header = request.headers.authorization ?? '';
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      const verified = match ? keys.verify(match[1]) : undefined;
      if (!verified) {
        const reason = header
          ? 'the API key is not valid'
          : 'an API key is required: send Authorization: Bearer <key>';
        return done(new Unauthorized(reason));
      }
      account = verified;
    }
    requestContext.run({ account }, done);
  });
}
