import type { ChatMessage, FinishReason, GenerationRequest, Prompt } from '../../engine/types';
import { ModelNotFound, ValidationError } from '../../errors';
import type {
  ChatCompletionRequest,
  CompletionRequest,
  OpenAIFinishReason,
  SamplingRequest,
} from './protocol';

/** What this endpoint serves, as /v1/models and the `model` field name it. */
export function checkModel(requested: string, served: string): void {
  if (requested !== served) {
    throw new ModelNotFound(
      `The model \`${requested}\` does not exist; this endpoint serves \`${served}\``,
      'model',
    );
  }
}

/** Rejects, by name, fields we accept in the schema but do not implement, rather than ignore them. */
function rejectUnsupported(body: SamplingRequest): void {
  if (body.logprobs)
    throw new ValidationError('logprobs is not supported by this endpoint', 'logprobs');
  if ('echo' in body && body.echo)
    throw new ValidationError('echo is not supported by this endpoint', 'echo');
  if ('suffix' in body && body.suffix)
    throw new ValidationError('suffix is not supported by this endpoint', 'suffix');
  if (
    'best_of' in body &&
    body.best_of !== null &&
    body.best_of !== undefined &&
    body.best_of !== (body.n ?? 1)
  ) {
    throw new ValidationError('best_of must equal n (beam search is not supported)', 'best_of');
  }
  if ('response_format' in body && body.response_format && body.response_format.type !== 'text') {
    throw new ValidationError(
      `response_format ${body.response_format.type} is not supported; use text`,
      'response_format',
    );
  }
  if (body.presence_penalty || body.frequency_penalty) {
    throw new ValidationError(
      'presence_penalty and frequency_penalty are not supported; use repetition_penalty',
      body.presence_penalty ? 'presence_penalty' : 'frequency_penalty',
    );
  }
}

/** n requests per prompt; with a seed, choice i uses seed + i so choices differ yet repeat. */
function sampling(
  body: SamplingRequest,
  maxTokens: number | null | undefined,
): Omit<GenerationRequest, 'prompt'>[] {
  const n = body.n ?? 1;
  const stop =
    body.stop === null || body.stop === undefined
      ? []
      : typeof body.stop === 'string'
        ? [body.stop]
        : body.stop;
  return Array.from({ length: n }, (_, i) => ({
    maxNewTokens: maxTokens ?? undefined,
    temperature: body.temperature ?? 1,
    topP: body.top_p ?? 1,
    topK: body.top_k === -1 ? 0 : (body.top_k ?? 0),
    repetitionPenalty: body.repetition_penalty ?? 1,
    seed: body.seed === null || body.seed === undefined ? undefined : Math.abs(body.seed) + i,
    stop,
  }));
}

export function chatGenerationRequests(body: ChatCompletionRequest): GenerationRequest[] {
  rejectUnsupported(body);
  const prompt: Prompt = { kind: 'chat', messages: toChatMessages(body.messages) };
  return sampling(body, body.max_completion_tokens ?? body.max_tokens).map((s) => ({
    ...s,
    prompt,
  }));
}

export function completionGenerationRequests(body: CompletionRequest): GenerationRequest[] {
  rejectUnsupported(body);
  if (Array.isArray(body.prompt) && body.prompt.some((p) => typeof p !== 'string')) {
    throw new ValidationError(
      'token-id prompts are not supported; send the prompt as text',
      'prompt',
    );
  }
  const prompts = typeof body.prompt === 'string' ? [body.prompt] : (body.prompt as string[]);
  return prompts.flatMap((text) =>
    sampling(body, body.max_tokens).map((s) => ({ ...s, prompt: { kind: 'text' as const, text } })),
  );
}

/** The chat as the engine takes it: text parts joined, other parts refused by name. */
export function toChatMessages(messages: ChatCompletionRequest['messages']): ChatMessage[] {
  return messages.map((m, i) => ({ role: m.role, content: messageText(m.content, i) }));
}

function messageText(
  content: ChatCompletionRequest['messages'][number]['content'],
  index: number,
): string {
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  return content
    .map((part) => {
      if (part.type !== 'text' || !('text' in part)) {
        throw new ValidationError(
          `messages[${index}].content: only text parts are supported, got ${part.type}`,
          'messages',
        );
      }
      return part.text;
    })
    .join('');
}

export function openAIFinishReason(reason: FinishReason): OpenAIFinishReason {
  return reason === 'content_filter' ? 'content_filter' : reason === 'stop' ? 'stop' : 'length';
}
