import type { z } from 'zod';
import { ValidationError } from '../../errors';

/** zod's first issue, as OpenAI words it: what is wrong, and which parameter. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ValidationError('the request body must be a JSON object', 'body');
  }
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const path = issue.path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .replace(/^\./, '');
  throw new ValidationError(`${path || 'body'}: ${issue.message}`, String(issue.path[0] ?? 'body'));
}
