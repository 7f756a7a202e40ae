import cors from '@fastify/cors';
import type { FastifyInstance } from 'fastify';

/** Headers a page on another origin may read: what the OpenAI and Replicate SDKs look at. */
const EXPOSED_HEADERS = [
  'X-Request-Id',
  'Retry-After',
  'WWW-Authenticate',
  'X-AI-Generated',
  'AI-Disclosure',
];

/**
 * Lets browser pages on `origins` (or any, with `*`) call the API. Preflights are answered in the
 * request hook, before auth: a browser sends them without the Authorization header. The headers a
 * preflight asks for are allowed as asked (the SDKs add their own, e.g. x-stainless-*, openai-beta);
 * which origins may ask is the boundary. Nothing is registered without origins.
 */
export async function registerCors(
  app: FastifyInstance,
  origins: readonly string[],
): Promise<void> {
  if (origins.length === 0) return;
  const anyOrigin = origins.includes('*');
  const allowed = new Set(origins);
  await app.register(cors, {
    origin: anyOrigin
      ? '*'
      : (origin, callback) =>
          callback(null, origin !== undefined && allowed.has(origin) ? origin : false),
    methods: ['GET', 'HEAD', 'POST', 'PUT'],
    exposedHeaders: EXPOSED_HEADERS,
    maxAge: 600,
  });
}
