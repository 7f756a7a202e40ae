import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ServerConfig } from '../../config';
import type { ApiKeys } from '../../http/api-keys';
import { routeConfig } from '../../http/route-config';
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
  /** Whether the API asks for `Authorization: Bearer <key>` (the page then asks for a key). */
  apiKeys: Pick<ApiKeys, 'enabled'>;
}

/**
 * The page, and the info it needs before anyone has entered a key (whether a key is needed, and
 * what the page shows anyway). Assets and docs are public through auth's static-shell rule.
 */
const publicPage = routeConfig({ protocol: 'plain', access: 'public' });

/**
 * The web playground at /playground (its assets under /playground/assets/), interactive API docs
 * at /docs, and GET /playground/info, which the page reads at start. Nothing is registered
 * when the config turns the playground off.
 */
export async function registerPlaygroundRoutes(
  app: FastifyInstance,
  { config, apiKeys }: PlaygroundDeps,
): Promise<void> {
  if (!config.playground) return;
  app.get('/playground/info', publicPage, async () =>
    endpointInfo({
      servedModelName: config.servedModelName,
      maxNewTokens: config.limits.maxNewTokens,
      // Asked each time: keys can appear or go when API_KEYS_FILE changes.
      requiresApiKey: apiKeys.enabled,
    }),
  );
  app.get('/playground', publicPage, async (_request, reply) => sendPlaygroundPage(reply));
  await app.register(fastifyStatic, {
    root: join(STATIC_DIR, 'assets'),
    prefix: '/playground/assets/',
    decorateReply: false,
    index: false,
    cacheControl: true,
    maxAge: '1h',
  });
  await registerApiDocs(app);
}
