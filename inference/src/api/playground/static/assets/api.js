import { eventData } from './sse.js';

/** An HTTP error from the endpoint, with the message its body gave. */
export class EndpointError extends Error {
  /**
   * @param {number} status
   * @param {string} message
   * @param {string | null} retryAfter
   */
  constructor(status, message, retryAfter = null) {
    super(message);
    this.name = 'EndpointError';
    this.status = status;
    this.retryAfter = retryAfter;
  }
}

/** The key travels only in this header, never in a URL. */
function headers(apiKey, extra = {}) {
  return apiKey ? { ...extra, Authorization: `Bearer ${apiKey}` } : extra;
}

/** OpenAI's `{error: {message}}`, Replicate's `{detail}`, or the status line. */
async function errorFrom(response) {
  let message = `${response.status} ${response.statusText}`.trim();
  try {
    const body = await response.json();
    message = body?.error?.message ?? body?.detail ?? message;
  } catch {
    // Not JSON (a proxy's error page): the status line says enough.
  }
  return new EndpointError(response.status, message, response.headers.get('Retry-After'));
}

/** GET /playground/info: model name, version, whether a key is needed. */
export async function fetchInfo(apiKey) {
  const response = await fetch('/playground/info', { headers: headers(apiKey) });
  if (!response.ok) throw await errorFrom(response);
  return response.json();
}

/**
 * Streams one generation from /v1/chat/completions or /v1/completions, yielding
 * `{type: 'delta', text}`, `{type: 'finish', reason}` and `{type: 'usage', usage}` events.
 * @param {{path: string, body: object, apiKey: string, signal: AbortSignal}} request
 */
export async function* streamGeneration({ path, body, apiKey, signal }) {
  const response = await fetch(path, {
    method: 'POST',
    headers: headers(apiKey, { 'Content-Type': 'application/json', Accept: 'text/event-stream' }),
    body: JSON.stringify({ ...body, stream: true, stream_options: { include_usage: true } }),
    signal,
  });
  if (!response.ok || !response.body) throw await errorFrom(response);
  for await (const data of eventData(response.body)) {
    if (data === '[DONE]') return;
    const chunk = JSON.parse(data);
    if (chunk.error) throw new EndpointError(500, chunk.error.message);
    if (chunk.usage) yield { type: 'usage', usage: chunk.usage };
    const choice = chunk.choices?.[0];
    if (!choice) continue;
    const text = choice.delta?.content ?? choice.text ?? '';
    if (text) yield { type: 'delta', text };
    if (choice.finish_reason) yield { type: 'finish', reason: choice.finish_reason };
  }
}

/** A sentence a person can act on, for any failure of a request. */
export function explain(error, apiKeyEntered) {
  if (error instanceof EndpointError) {
    if (error.status === 401) {
      return apiKeyEntered
        ? 'The API key was not accepted (401). Check the key in Settings and try again.'
        : 'This endpoint needs an API key (401). Enter it in the API key field in Settings.';
    }
    if (error.status === 403) return `Not allowed with this API key (403): ${error.message}`;
    if (error.status === 429) {
      const says = /retry/i.test(error.message);
      const wait = error.retryAfter && !says ? `; try again in ${error.retryAfter} s` : '';
      return `The server is busy (429): ${error.message}${wait}`;
    }
    return `The request failed (${error.status}): ${error.message}`;
  }
  return `Could not reach the endpoint: ${error instanceof Error ? error.message : String(error)}`;
}
