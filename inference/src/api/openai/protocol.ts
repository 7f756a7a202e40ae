import { z } from 'zod';

/**
 * OpenAI's request bodies, fields in the order of OpenAI's API reference. Unknown fields are
 * ignored (zod strips them), wrong types rejected. Extensions accepted at the top level as vLLM
 * does are fenced at the end.
 */
/** OpenAI allows 4; vLLM any number. Each is matched against the output as it streams. */
export const MAX_STOP_SEQUENCES = 16;

function samplingFields(limits: { maxN: number; maxNewTokens: number }) {
  return {
    max_tokens: z.int().min(1).max(limits.maxNewTokens).nullish(),
    n: z.int().min(1).max(limits.maxN).nullish(),
    stop: z
      .union([
        z.string().min(1),
        z.array(z.string().min(1)).max(MAX_STOP_SEQUENCES, {
          error: `at most ${MAX_STOP_SEQUENCES} stop sequences are allowed`,
        }),
      ])
      .nullish(),
    stream: z.boolean().nullish(),
    stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
    temperature: z.number().min(0).max(2).nullish(),
    top_p: z.number().gt(0).max(1).nullish(),
    seed: z
      .int()
      .min(-(2 ** 53) + 1)
      .max(2 ** 53 - 1)
      .nullish(),
    presence_penalty: z.number().min(-2).max(2).nullish(),
    frequency_penalty: z.number().min(-2).max(2).nullish(),
    logprobs: z.union([z.boolean(), z.int().min(0).max(20)]).nullish(),
    user: z.string().nullish(),
    // --- extensions (vLLM) ---
    top_k: z.int().min(-1).max(100000).nullish(),
    repetition_penalty: z.number().gt(0).max(10).nullish(),
  };
}

const textPart = z.object({ type: z.literal('text'), text: z.string() });
const messageContent = z.union([
  z.string(),
  z.array(z.union([textPart, z.object({ type: z.string() })])).min(1),
]);

export function chatCompletionRequestSchema(limits: { maxN: number; maxNewTokens: number }) {
  return z.object({
    model: z.string().min(1),
    messages: z
      .array(
        z.object({
          role: z.enum(['developer', 'system', 'user', 'assistant', 'tool']),
          content: messageContent.nullish(),
          name: z.string().nullish(),
        }),
      )
      .min(1),
    max_completion_tokens: z.int().min(1).max(limits.maxNewTokens).nullish(),
    response_format: z.object({ type: z.string() }).nullish(),
    ...samplingFields(limits),
  });
}

export function completionRequestSchema(limits: { maxN: number; maxNewTokens: number }) {
  return z.object({
    model: z.string().min(1),
    prompt: z.union([
      z.string(),
      z
        .array(z.string())
        .min(1)
        .max(limits.maxN, { error: `at most ${limits.maxN} prompts are allowed (MAX_N)` }),
      z.array(z.number()).min(1),
    ]),
    echo: z.boolean().nullish(),
    best_of: z.int().min(1).nullish(),
    suffix: z.string().nullish(),
    ...samplingFields(limits),
  });
}

export type ChatCompletionRequest = z.output<ReturnType<typeof chatCompletionRequestSchema>>;
export type CompletionRequest = z.output<ReturnType<typeof completionRequestSchema>>;
export type SamplingRequest = ChatCompletionRequest | CompletionRequest;

export type OpenAIFinishReason = 'stop' | 'length' | 'content_filter';

export interface UsageBody {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ModelObject {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: 'list';
  data: ModelObject[];
}

/** The served model, created when the server started. */
export function modelObject(id: string, lifecycle: { setup: { startedAt: Date } }): ModelObject {
  const created = Math.floor(lifecycle.setup.startedAt.getTime() / 1000);
  return { id, object: 'model', created, owned_by: 'llm-deploy' };
}
