import type { FastifyInstance } from 'fastify';

/**
 * Inside `scope`, an empty body sent as application/json counts as no body: Replicate's SDK sends
 * its cancel POST that way, and Cog's clients post bodiless cancels. Anything else parses as
 * Fastify's default JSON parser does (prototype poisoning rejected).
 */
export function allowEmptyJsonBodies(scope: FastifyInstance): void {
  const parseJson = scope.getDefaultJsonParser('error', 'error');
  scope.removeContentTypeParser('application/json');
  scope.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') done(null, undefined);
    else parseJson(request, body as string, done);
  });
}
