import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Unauthorized } from '../errors';
import type { ApiKeys } from './api-keys';
import { requestContext } from './request-context';

/** Every route says who may call it; a route without a decision stops the server from starting. */
export type Access = 'public' | 'key';

/** Every route the router knows, with its decision: what the auth test enumerates. */
export interface RouteAccess {
  methods: string[];
  url: string;
  access: Access;
}

/**
 * Routes that plugins register (static files of the playground and the API docs) are the
 * "static shell": public, holding no data. Anything else must carry `config.access`.
 */
const STATIC_SHELL_PREFIXES = ['/playground', '/docs'];

export function accessOf(request: FastifyRequest): Access {
  return (request.routeOptions?.config as { access?: Access } | undefined)?.access ?? 'key';
}

function decide(url: string, declared: Access | undefined, method: string): Access {
  if (declared) return declared;
  // CORS preflights (http/cors.ts): browsers send them without credentials, by the Fetch standard.
  if (method === 'OPTIONS') return 'public';
  if (STATIC_SHELL_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`)))
    return 'public';
  throw new Error(
    `route ${method} ${url} has no access decision: set config.access to 'public' or 'key'`,
  );
}

/**
 * Bearer auth on every route but the public ones, including unknown paths (so 404s do not map the
 * API for strangers). With no keys configured the server is open, and says so loudly at start.
 * Returns the route table it builds as routes register.
 */
export function registerAuth(app: FastifyInstance, keys: ApiKeys): RouteAccess[] {
  const routes: RouteAccess[] = [];
  app.addHook('onRoute', (route) => {
    const config = (route.config ?? {}) as { access?: Access };
    const methods = [route.method].flat().map(String);
    const access = decide(route.url, config.access, methods.join(','));
    route.config = { ...config, access };
    routes.push({ methods, url: route.url, access });
  });
  app.addHook('onReady', async () => {
    if (keys.enabled) return;
    app.log.warn(
      'NO API KEYS CONFIGURED: anyone who can reach this port can use it; set API_KEYS or API_KEYS_FILE',
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
    requestContext.run({ account, requestId: request.id }, done);
  });
  return routes;
}
