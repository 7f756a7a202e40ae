import type { FastifyReply } from 'fastify';
import type { Usage } from '../../engine/types';
import { toHttpError } from '../../http/errors';
import { EventStream } from '../../http/sse';
import { mergeChoices, type ChoiceRun } from './choices';
import type { UsageBody } from './protocol';
import { openAIFinishReason } from './service';

export interface StreamMeta {
  id: string;
  object: 'chat.completion.chunk' | 'text_completion';
  created: number;
  model: string;
  includeUsage: boolean;
  /** Indices whose prompt tokens count toward usage (n choices share one prompt). */
  promptOwners: ReadonlySet<number>;
}

/**
 * Streams choices as OpenAI does: `data: <chunk>` events (chat: a role delta first, then content
 * deltas, then an empty delta with finish_reason), a usage chunk with empty choices when asked,
 * and `data: [DONE]`. An error after the headers went out becomes an error event, then [DONE].
 */
export async function streamChoices(
  reply: FastifyReply,
  runs: ChoiceRun[],
  meta: StreamMeta,
): Promise<void> {
  const stream = new EventStream(reply);
  const chat = meta.object === 'chat.completion.chunk';
  const usage = { promptTokens: 0, completionTokens: 0 };
  const send = (choices: object[], extra: object = {}) =>
    stream.send({
      data: JSON.stringify({
        id: meta.id,
        object: meta.object,
        created: meta.created,
        model: meta.model,
        choices,
        ...(meta.includeUsage ? { usage: null } : {}),
        ...extra,
      }),
    });
  const choice = (index: number, content: string | null, finishReason: string | null) =>
    chat
      ? {
          index,
          delta: content === null ? {} : { content },
          logprobs: null,
          finish_reason: finishReason,
        }
      : { index, text: content ?? '', logprobs: null, finish_reason: finishReason };
  try {
    if (chat)
      for (const run of runs)
        send([
          {
            index: run.index,
            delta: { role: 'assistant', content: '', refusal: null },
            logprobs: null,
            finish_reason: null,
          },
        ]);
    for await (const { index, event } of mergeChoices(runs)) {
      if (!stream.open) break;
      if (event.type === 'text') send([choice(index, event.text, null)]);
      else {
        addUsage(usage, event.usage, meta.promptOwners.has(index));
        send([choice(index, null, openAIFinishReason(event.reason))]);
      }
    }
    if (meta.includeUsage) send([], { usage: usageBody(usage) });
  } catch (error) {
    const httpError = toHttpError(error, 'openai');
    stream.send({
      data: JSON.stringify({
        error: {
          message: httpError.message,
          type: httpError.type,
          param: null,
          code: httpError.code ?? null,
        },
      }),
    });
  } finally {
    stream.send({ data: '[DONE]' });
    stream.end();
  }
}

export function addUsage(total: Usage, usage: Usage, countPrompt: boolean): void {
  if (countPrompt) total.promptTokens += usage.promptTokens;
  total.completionTokens += usage.completionTokens;
}

export function usageBody(usage: Usage): UsageBody {
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.promptTokens + usage.completionTokens,
  };
}
