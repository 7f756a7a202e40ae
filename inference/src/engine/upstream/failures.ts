import {
  EngineFailed,
  EngineTimeout,
  EngineUnavailable,
  Overloaded,
  ValidationError,
} from '../../errors';

/**
 * What an engine's failure means to our clients, in our own words: the engine's body, URL and
 * credentials never reach a client (the client logs the body for operators).
 */
export function failureOfResponse(
  status: number,
  body: string,
  retryAfter: string | string[] | undefined,
): Error {
  const retry = retryAfterSeconds(retryAfter);
  if (status === 400 || status === 422) return rejected(body);
  if (status === 401 || status === 403) {
    return new EngineFailed(
      "the inference engine refused this server's credentials; the operator must check UPSTREAM_API_KEY",
    );
  }
  if (status === 404) {
    return new EngineFailed(
      'the inference engine does not serve this route or model; the operator must check UPSTREAM_MODEL',
    );
  }
  if (status === 408 || status === 504)
    return new EngineTimeout('the inference engine timed out; retry, or ask for fewer tokens');
  if (status === 429)
    return new Overloaded('the inference engine is at capacity; retry shortly', retry ?? 1);
  if (status === 503)
    return new EngineUnavailable('the inference engine is unavailable; retry shortly', retry ?? 5);
  return new EngineFailed(`the inference engine failed (HTTP ${status}); retry shortly`);
}

/**
 * The engine refused the request itself. Its wording stays private; a context overflow, the one
 * refusal a client can fix that we could not check before (no tokenizer route), is named.
 */
function rejected(body: string): ValidationError {
  if (/context|max_model_len|too long|maximum.*length/i.test(body)) {
    return new ValidationError(
      "the prompt and max_tokens exceed the model's context: shorten the prompt or lower max_tokens",
      'max_tokens',
    );
  }
  return new ValidationError(
    'the inference engine rejected the request: check the prompt and the sampling parameters',
  );
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** No answer (refused, reset, unresolvable) is unavailability; a silent engine is a timeout. */
export function failureOfTransport(error: unknown, timeoutSeconds: number): Error {
  const code = (error as { code?: string } | undefined)?.code;
  if (code && TIMEOUT_CODES.has(code)) {
    return new EngineTimeout(
      `the inference engine sent nothing for ${timeoutSeconds} s; retry shortly`,
    );
  }
  return new EngineUnavailable('the inference engine cannot be reached; retry shortly');
}

function retryAfterSeconds(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const seconds = value === undefined ? NaN : Number(value);
  return Number.isInteger(seconds) && seconds >= 0 ? seconds : undefined;
}
