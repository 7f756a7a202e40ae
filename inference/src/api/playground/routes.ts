import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerConfig } from '../../config';
import { registerApiDocs } from './docs';
import { endpointInfo } from './info';

export { wantsHtml } from './negotiation';

/** The page and its assets ship next to this file (the build copies static/ into dist). */
const STATIC_DIR = join(__dirname, 'static');

/** Nothing but this origin: no CDN, no inline script, no framing. */
const PAGE_CSP = [
  "default-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

let pageHtml: string | undefined;

/**
 * Sends the playground page. Exported so that `GET /` can serve it to browsers (see wantsHtml)
 * while API clients keep Cog's JSON discovery document there.
 */
export function sendPlaygroundPage(reply: FastifyReply): FastifyReply {
  pageHtml ??= readFileSync(join(STATIC_DIR, 'index.html'), 'utf8');
  return reply
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', PAGE_CSP)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Referrer-Policy', 'no-referrer')
    .header('Cache-Control', 'no-cache')
    .send(pageHtml);
}

export interface PlaygroundDeps {
  config: ServerConfig;
  /** True when the API asks for `Authorization: Bearer <key>`; the page then asks for a key. */
  requiresApiKey?: boolean;
}

const publicPage = { config: { protocol: 'plain', public: true } } as const;

/**
 * The web playground at /playground (its assets under /playground/assets/), interactive API docs
 * at /docs, and GET /v1/llm-deploy/info, which the page reads at start. Nothing is registered
 * when the config turns the playground off.
 */
export async function registerPlaygroundRoutes(
  app: FastifyInstance,
  { config, requiresApiKey = false }: PlaygroundDeps,
): Promise<void> {
  if (!config.playground) return;
  const info = endpointInfo({
    servedModelName: config.servedModelName,
    maxNewTokens: config.limits.maxNewTokens,
    requiresApiKey,
  });
  app.get('/v1/llm-deploy/info', publicPage, async () => info);
  app.get('/playground', publicPage, async (_request, reply) => sendPlaygroundPage(reply));
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.config = { ...route.config, ...publicPage.config };
    });
    await scope.register(fastifyStatic, {
      root: join(STATIC_DIR, 'assets'),
      prefix: '/playground/assets/',
      decorateReply: false,
      index: false,
      cacheControl: true,
      maxAge: '1h',
    });
  });
  await registerApiDocs(app);
}
