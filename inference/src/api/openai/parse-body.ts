import type { z } from 'zod';
import { ValidationError } from '../../errors';
import { parseWith } from '../../http/validation';

/** zod's first issue, as OpenAI words it: what is wrong, and which parameter. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object', 'body');
  }
  return parseWith(schema, body, {
    loc: ['body'],
    name: (path) =>
      path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
        .join('')
        .replace(/^\./, '') || 'body',
    param: (path) => String(path[0] ?? 'body'),
  });
}
