import { createHmac, randomBytes } from 'node:crypto';

/**
 * Standard Webhooks signing, as Replicate signs its webhooks: the secret is `whsec_` + base64 of
 * the key; each message has an id, and each delivery attempt a timestamp (Unix seconds) and
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`.
 */
const PREFIX = 'whsec_';

/** A new random secret in the `whsec_` form (32 bytes of key). */
export function newWebhookSecret(): string {
  return PREFIX + randomBytes(32).toString('base64');
}

/** The key bytes of a `whsec_...` secret; undefined if it is not one (24 to 64 bytes of base64). */
export function webhookKey(secret: string): Buffer | undefined {
  if (!secret.startsWith(PREFIX)) return undefined;
  const encoded = secret.slice(PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : undefined;
}

/** The three headers of one delivery attempt. */
export function signatureHeaders(
  key: Buffer,
  messageId: string,
  body: string,
  now: Date = new Date(),
): Record<string, string> {
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const signature = createHmac('sha256', key)
    .update(`${messageId}.${timestamp}.${body}`)
    .digest('base64');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': timestamp,
    'webhook-signature': `v1,${signature}`,
  };
}

/** A message id, the same on every retry of one message so receivers can deduplicate. */
export function newMessageId(): string {
  return `msg_${randomBytes(16).toString('hex')}`;
}
