import { createHash, randomBytes } from 'node:crypto';
import { ValidationError } from '../../errors';
import { issueAt } from '../../http/validation';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** A random 26-character lowercase base32 id, the shape Cog recommends and Replicate uses. */
export function newPredictionId(): string {
  const bytes = randomBytes(16);
  let bits = 0;
  let value = 0;
  let id = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      id += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) id += BASE32[(value << (5 - bits)) & 31];
  return id;
}

const CLIENT_ID = /^[A-Za-z0-9_.-]{1,128}$/;

/**
 * Client-chosen ids (Cog's PUT) end up in URLs and logs: keep them to a safe alphabet. `where`
 * says whether the id came in the body or the URL path, for the error's location.
 */
export function checkClientPredictionId(
  id: string,
  param = 'id',
  where: 'body' | 'path' = 'body',
): string {
  if (!CLIENT_ID.test(id)) {
    const message = `${param} must be 1-128 characters of letters, digits, '_', '-' or '.' (got ${JSON.stringify(id.slice(0, 140))})`;
    throw new ValidationError(message, param, issueAt([where, param], message));
  }
  return id;
}

/** A stable 64-hex version id for the served model, shaped like Replicate's version ids. */
export function modelVersionId(model: string, revision: string): string {
  return createHash('sha256').update(`${model}@${revision}`).digest('hex');
}
