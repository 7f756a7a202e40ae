import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Prompt } from '../../engine/types';
import { ValidationError } from '../../errors';
import { abortOnDisconnect } from '../../http/client-abort';
import { routeConfig } from '../../http/route-config';
import type { Lifecycle } from '../../lifecycle';
import { parseBody } from './parse-body';
import { chatMessagesSchema } from './protocol';
import { checkModel, toChatMessages } from './service';

/**
 * vLLM's POST /tokenize (an extension of the OpenAI surface): `prompt` counts as a completion's
 * prompt does, `messages` as a chat's (template and generation prompt applied). A gateway in
 * front of llm-deploy, ours included, counts prompts through it before it sends them.
 */
const tokenizeSchema = z.object({
  model: z.string().min(1).nullish(),
  prompt: z.string().optional(),
  messages: chatMessagesSchema.optional(),
  add_special_tokens: z.boolean().nullish(),
  add_generation_prompt: z.boolean().nullish(),
  continue_final_message: z.boolean().nullish(),
  return_token_strs: z.boolean().nullish(),
});

type TokenizeBody = z.output<typeof tokenizeSchema>;

export interface TokenizeResponse {
  count: number;
  max_model_len: number;
  tokens: number[];
}

export function registerTokenizeRoute(
  app: FastifyInstance,
  { served, lifecycle }: { served: string; lifecycle: Lifecycle },
): void {
  app.post(
    '/tokenize',
    routeConfig({ protocol: 'openai', access: 'key' }),
    async (request, reply): Promise<TokenizeResponse | undefined> => {
      const body = parseBody(tokenizeSchema, request.body);
      if (body.model) checkModel(body.model, served);
      const prompt = tokenizePrompt(body);
      const { backend } = lifecycle.acquireScheduler();
      // An engine that cannot count (an upstream without a tokenizer route): as if no route.
      if (!backend.tokenize) {
        reply.callNotFound();
        return undefined;
      }
      const tokens = await backend.tokenize(prompt, abortOnDisconnect(reply));
      return { count: tokens.length, max_model_len: backend.info.maxPositions, tokens };
    },
  );
}

/** vLLM's defaults are what we count with; asking for other behaviour is refused by name. */
function tokenizePrompt(body: TokenizeBody): Prompt {
  if ((body.prompt === undefined) === (body.messages === undefined))
    throw new ValidationError('send either prompt or messages', 'prompt');
  if (body.return_token_strs) unsupported('return_token_strs');
  if (body.prompt !== undefined) {
    if (body.add_special_tokens === false) unsupported('add_special_tokens');
    return { kind: 'text', text: body.prompt };
  }
  if (body.add_generation_prompt === false) unsupported('add_generation_prompt');
  if (body.continue_final_message) unsupported('continue_final_message');
  if (body.add_special_tokens) unsupported('add_special_tokens');
  return { kind: 'chat', messages: toChatMessages(body.messages ?? []) };
}

function unsupported(param: string): never {
  throw new ValidationError(`${param} is not supported here; leave it at its default`, param);
}
