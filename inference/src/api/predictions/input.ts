import { z } from 'zod';
import type { GenerationRequest } from '../../engine/types';
import { parseWith } from '../../http/validation';

/**
 * The predictor's input, as Cog's `/openapi.json` publishes it and as `cog predict -i`, Cog's
 * /predictions, Replicate's API and `llm-deploy predict -i` send it. `pregunta` is an alias of
 * `prompt` (the tutorial this project grew from uses it); `max_tokens` is an alias of
 * `max_new_tokens`, as Replicate's language models name it.
 */
export function predictionInputSchema(maxNewTokensLimit: number) {
  return z
    .object({
      prompt: z.string().min(1).optional().describe('Text to continue'),
      pregunta: z.string().min(1).optional().describe('Alias of prompt'),
      system_prompt: z
        .string()
        .optional()
        .describe('Optional system message, applied through the chat template'),
      max_new_tokens: z
        .int()
        .min(1)
        .max(maxNewTokensLimit)
        .optional()
        .describe('Maximum number of tokens to generate'),
      max_tokens: z
        .int()
        .min(1)
        .max(maxNewTokensLimit)
        .optional()
        .describe('Alias of max_new_tokens'),
      temperature: z
        .number()
        .min(0)
        .max(5)
        .default(0.7)
        .describe('0 is greedy; higher is more random'),
      top_p: z
        .number()
        .gt(0)
        .max(1)
        .default(1)
        .describe('Nucleus sampling: keep the top tokens holding this much probability'),
      top_k: z
        .int()
        .min(0)
        .max(100000)
        .default(0)
        .describe('Keep only the k most likely tokens; 0 keeps all'),
      repetition_penalty: z
        .number()
        .min(0.01)
        .max(10)
        .default(1)
        .describe('Above 1 discourages repeating tokens'),
      seed: z
        .int()
        .min(0)
        .max(Number.MAX_SAFE_INTEGER)
        .optional()
        .describe('Same seed, same output'),
      stop_sequences: z.string().optional().describe('Comma-separated strings that end generation'),
    })
    .refine((input) => input.prompt !== undefined || input.pregunta !== undefined, {
      message: 'prompt is required (or its alias pregunta)',
      path: ['prompt'],
    });
}

export type PredictionInput = z.output<ReturnType<typeof predictionInputSchema>>;

export const DEFAULT_MAX_NEW_TOKENS = 128;

/** Validates an input object; throws ValidationError naming the first bad field. */
export function parsePredictionInput(raw: unknown, maxNewTokensLimit: number): PredictionInput {
  return parseWith(predictionInputSchema(maxNewTokensLimit), raw, {
    loc: ['body', 'input'],
    name: (path) => (path.length > 0 ? `input.${path.join('.')}` : 'input'),
    param: (path) => path.join('.') || 'input',
  });
}

export function toGenerationRequest(
  input: PredictionInput,
  signal?: AbortSignal,
): GenerationRequest {
  const text = input.prompt ?? input.pregunta ?? '';
  return {
    prompt: input.system_prompt
      ? {
          kind: 'chat',
          messages: [
            { role: 'system', content: input.system_prompt },
            { role: 'user', content: text },
          ],
        }
      : { kind: 'text', text },
    maxNewTokens: input.max_new_tokens ?? input.max_tokens ?? DEFAULT_MAX_NEW_TOKENS,
    temperature: input.temperature,
    topP: input.top_p,
    topK: input.top_k,
    repetitionPenalty: input.repetition_penalty,
    seed: input.seed,
    stop: (input.stop_sequences ?? '').split(',').filter((s) => s.length > 0),
    signal,
  };
}
