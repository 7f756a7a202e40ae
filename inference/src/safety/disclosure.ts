import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { RouteConfig } from '../http/route-config';

/** A plain flag any client can check. */
export const AI_GENERATED_HEADER = 'X-AI-Generated';
/** The AI-Disclosure field of draft-abaris-aicdh (an HTTP structured-field dictionary). */
export const AI_DISCLOSURE_HEADER = 'AI-Disclosure';

/**
 * Marks every response of a generating route (`generates: true` in its RouteConfig, so routes
 * added later opt in by declaring it) as AI-generated. Set when the request arrives, so streamed
 * responses (which bypass Fastify's send) carry it too; taken off error responses, which hold no
 * generated content.
 */
export function registerDisclosureHeaders(app: FastifyInstance, servedModelName: string): void {
  const disclosure = `mode=ai-originated, model=${structuredString(servedModelName)}`;
  app.addHook('onRequest', async (request, reply) => {
    if (!generates(request)) return;
    reply.header(AI_GENERATED_HEADER, 'true');
    reply.header(AI_DISCLOSURE_HEADER, disclosure);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    if (generates(request) && reply.statusCode >= 400) {
      reply.removeHeader(AI_GENERATED_HEADER);
      reply.removeHeader(AI_DISCLOSURE_HEADER);
    }
    return payload;
  });
}

function generates(request: FastifyRequest): boolean {
  return (request.routeOptions.config as Partial<RouteConfig> | undefined)?.generates === true;
}

/** The configured disclosure as the first line of every output (DISCLOSURE_TEXT). */
export function disclosureLine(text: string | undefined): string | undefined {
  if (text === undefined || text.trim().length === 0) return undefined;
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** An sf-string (RFC 9651): printable ASCII, with `"` and `\` escaped; anything else replaced. */
function structuredString(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, '?');
  return `"${printable.replace(/["\\]/g, '\\$&')}"`;
}
