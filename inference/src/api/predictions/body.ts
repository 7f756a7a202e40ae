import type { z } from 'zod';
import { parseWith } from '../../http/validation';

const dotted = (path: (string | number)[]) => path.join('.') || 'body';

/** Validates a request body; throws ValidationError naming the first bad field. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  return parseWith(schema, body ?? {}, { loc: ['body'], name: dotted, param: dotted });
}

/** The comma-separated preferences of a `Prefer` header, lower-cased (RFC 7240). */
export function preferences(header: string | string[] | undefined): string[] {
  const value = Array.isArray(header) ? header.join(',') : (header ?? '');
  return value
    .split(',')
    .map((token) => token.trim().toLowerCase())
    .filter((token) => token.length > 0);
}

/** The client asked for a text/event-stream response. */
export function acceptsEventStream(accept: string | undefined): boolean {
  return (accept ?? '')
    .split(',')
    .some((type) => type.split(';')[0].trim().toLowerCase() === 'text/event-stream');
}
