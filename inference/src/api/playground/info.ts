import { SERVER_VERSION } from '../../version';

/** The AI disclosure the playground always shows, and clients may show too. */
export const AI_DISCLOSURE = 'You are talking to an AI model';

/** GET /playground/info: what the playground shows and needs before the first request. */
export interface EndpointInfo {
  /** The name clients put in OpenAI's `model` field. */
  model: string;
  /** `owner/name` for Replicate's `replicate.run()`; any owner/name reaches this endpoint. */
  replicateModel: string;
  /** The server's version (the container image carries the same). */
  version: string;
  /** True when requests need `Authorization: Bearer <key>`. */
  requiresApiKey: boolean;
  disclosure: string;
  /** Upper bound for max_tokens. */
  maxTokens: number;
}

export function endpointInfo(options: {
  servedModelName: string;
  maxNewTokens: number;
  requiresApiKey: boolean;
}): EndpointInfo {
  const model = options.servedModelName;
  return {
    model,
    replicateModel: model.includes('/') ? model : `llm-deploy/${model}`,
    version: SERVER_VERSION,
    requiresApiKey: options.requiresApiKey,
    disclosure: AI_DISCLOSURE,
    maxTokens: options.maxNewTokens,
  };
}
