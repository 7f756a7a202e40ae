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
    else
      parseJson(request, body as string, (error, parsed) =>
        error
          ? done(Object.assign(error, { position: jsonErrorPosition(body as string) }))
          : done(null, parsed),
      );
  });
}

/** Where JSON.parse stopped (FastAPI's 422 locates a decode error at that character). */
function jsonErrorPosition(body: string): number {
  try {
    JSON.parse(body);
    return 0;
  } catch (error) {
    const at = /at position (\d+)/.exec((error as Error).message)?.[1];
    return at === undefined ? body.length : Number(at);
  }
}
