import { EngineFailed } from '../../errors';
import type { FinishReason, SamplingParams } from '../types';
import type { TokenizerDialect, UpstreamPrompt } from './tokenizer';

/**
 * Stop sequences sent upstream: OpenAI's API takes at most 4, and engines copy such caps. All of
 * them are also enforced here, on the streamed text, so none is lost.
 */
export const MAX_UPSTREAM_STOPS = 4;

export interface WireRequest {
  path: '/v1/chat/completions' | '/v1/completions';
  body: Record<string, unknown>;
}

/**
 * One generation as an OpenAI streaming request: n=1 (our protocols fan n out into requests with
 * seeds seed+i), usage in the last chunk. Parameters at their defaults stay unsent, except where
 * the engine's own default differs from ours (llama.cpp samples with top_k 40, repeat_penalty 1.1).
 */
export function toWireRequest(
  model: string,
  prompt: UpstreamPrompt,
  sampling: SamplingParams,
  maxTokens: number | undefined,
  dialect: TokenizerDialect | undefined,
): WireRequest {
  const llama = dialect === 'llama.cpp';
  const stop = sampling.stop.filter((s) => s.length > 0).slice(0, MAX_UPSTREAM_STOPS);
  const body: Record<string, unknown> = {
    model,
    ...(prompt.kind === 'chat' ? { messages: prompt.messages } : { prompt: prompt.text }),
    ...(maxTokens !== undefined ? { max_tokens: maxTokens } : {}),
    n: 1,
    ...(stop.length > 0 ? { stop } : {}),
    stream: true,
    stream_options: { include_usage: true },
    temperature: sampling.temperature,
    top_p: sampling.topP,
    ...(sampling.seed !== undefined ? { seed: sampling.seed } : {}),
    // --- extensions (vLLM's names; llama.cpp's for its server) ---
    ...(llama || sampling.topK > 0 ? { top_k: sampling.topK } : {}),
    ...(llama
      ? { repeat_penalty: sampling.repetitionPenalty }
      : sampling.repetitionPenalty !== 1
        ? { repetition_penalty: sampling.repetitionPenalty }
        : {}),
  };
  return { path: prompt.kind === 'chat' ? '/v1/chat/completions' : '/v1/completions', body };
}

/** What one streamed chunk carries. */
export interface ChunkPiece {
  done?: true;
  text?: string;
  finish?: FinishReason;
  usage?: { promptTokens: number; completionTokens: number };
}

interface StreamChunk {
  error?: unknown;
  choices?: { text?: unknown; delta?: { content?: unknown }; finish_reason?: unknown }[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } | null;
}

/** Reads one SSE `data` payload of a chat or completion stream. */
export function readChunk(data: string, kind: UpstreamPrompt['kind']): ChunkPiece {
  if (data === '[DONE]') return { done: true };
  let chunk: StreamChunk;
  try {
    chunk = JSON.parse(data) as StreamChunk;
  } catch {
    throw new EngineFailed('the inference engine sent a malformed stream; retry shortly');
  }
  if (chunk.error !== undefined)
    throw new EngineFailed('the inference engine failed during the generation; retry shortly');
  const choice = chunk.choices?.[0];
  const text = kind === 'chat' ? choice?.delta?.content : choice?.text;
  const usage = chunk.usage;
  return {
    text: typeof text === 'string' && text.length > 0 ? text : undefined,
    finish:
      typeof choice?.finish_reason === 'string' ? finishReason(choice.finish_reason) : undefined,
    usage:
      typeof usage?.prompt_tokens === 'number' && typeof usage.completion_tokens === 'number'
        ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
        : undefined,
  };
}

function finishReason(reason: string): FinishReason {
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'content_filter';
  if (reason === 'abort') return 'abort';
  return 'stop';
}
