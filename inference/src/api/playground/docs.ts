import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fastifySwaggerUi, type FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../../http/errors';

/** Where the endpoint publishes its OpenAPI document (Cog's convention). */
export const OPENAPI_URL = '/openapi.json';

/**
 * Interactive API docs at /docs: Swagger UI served from the package's own files (no CDN), reading
 * the document the server already publishes at /openapi.json. Registered as a plugin it insists on
 * @fastify/swagger, which would generate a second document from route schemas; called as a
 * function inside our own scope it needs no such thing.
 */
export async function registerApiDocs(app: FastifyInstance): Promise<void> {
  // Its own scope: the plugin decorates the instance it is given.
  await app.register(async (scope) => {
    await swaggerUi(scope, {
      routePrefix: '/docs',
      // Swagger UI fetches `urls` (through its top bar) instead of the plugin's own /docs/json.
      uiConfig: { urls: [{ url: OPENAPI_URL, name: 'llm-deploy' }], tryItOutEnabled: true },
      theme: { title: 'llm-deploy API' },
      logo: {
        type: 'image/svg+xml',
        content: readFileSync(join(__dirname, 'static', 'assets', 'icon.svg')),
      },
      uiHooks: {
        // The plugin's /docs/json and /docs/yaml would read @fastify/swagger's document.
        onRequest: async (request, reply) => {
          const path = request.url.split('?')[0].replace(/\/$/, '');
          if (path !== '/docs/json' && path !== '/docs/yaml') return;
          const message = `the OpenAPI document is at ${OPENAPI_URL}`;
          return sendError(reply, { status: 404, type: 'not_found', message }, 'plain');
        },
      },
    });
  });
}

/** The plugin's body is an async (instance, options) function; its typings describe a callback. */
const swaggerUi = fastifySwaggerUi as unknown as (
  instance: FastifyInstance,
  options: FastifySwaggerUiOptions,
) => Promise<void>;
