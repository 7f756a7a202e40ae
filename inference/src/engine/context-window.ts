import { ValidationError } from '../errors';
import type { GenerationRequest, TokenizedRequest } from './types';

/**
 * A tokenized request checked against the model's context window, with max_new_tokens defaulted
 * to what the window leaves: every engine that counts its own tokens prepares requests this way.
 */
export function fitContext(
  request: GenerationRequest,
  promptIds: number[],
  limit: number,
): TokenizedRequest {
  if (promptIds.length === 0)
    throw new ValidationError('the prompt is empty; send at least one character', 'prompt');
  if (promptIds.length >= limit) {
    throw new ValidationError(
      `this model's context is ${limit} tokens and the prompt has ${promptIds.length}: shorten the prompt`,
      'prompt',
    );
  }
  const maxNewTokens = request.maxNewTokens ?? limit - promptIds.length;
  if (promptIds.length + maxNewTokens > limit) {
    throw new ValidationError(
      `this model's context is ${limit} tokens; the prompt has ${promptIds.length} and max_new_tokens asks for ${maxNewTokens}: shorten the prompt or lower max_new_tokens`,
      'max_tokens',
    );
  }
  return { request: { ...request, maxNewTokens }, promptIds, promptTokens: promptIds.length };
}
