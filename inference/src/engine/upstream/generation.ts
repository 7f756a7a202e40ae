import { EngineFailed } from '../../errors';
import { StopSequenceMatcher } from '../stop-sequences';
import type { FinishReason, GenerationEvent, PreparedRequest, Usage } from '../types';
import type { UpstreamClient } from './client';
import type { UpstreamPrompt } from './tokenizer';
import { readChunk, type WireRequest } from './wire';

/** A request `prepare` checked: what goes upstream, and how many tokens it may ask for. */
export interface UpstreamPrepared extends PreparedRequest {
  upstreamPrompt: UpstreamPrompt;
}

/**
 * Streams one upstream generation as our events. Every stop sequence is enforced on the text
 * (the engine got at most four); reaching one, an abort (client gone, timeout, moderation) or an
 * early return closes the upstream request, which cancels it there. Usage is the engine's; when
 * the stream was cut before its usage chunk, the prompt count from `prepare` and one token per
 * text chunk stand in (a lower bound: an engine may send several tokens in one chunk).
 */
export async function* upstreamGeneration(
  client: UpstreamClient,
  wire: WireRequest,
  prepared: UpstreamPrepared,
): AsyncGenerator<GenerationEvent> {
  const { request } = prepared;
  const cancel = new AbortController();
  const signal = request.signal ? AbortSignal.any([request.signal, cancel.signal]) : cancel.signal;
  const stops = new StopSequenceMatcher(request.stop);
  let reason: FinishReason | undefined;
  let usage: Usage | undefined;
  let textChunks = 0;
  let stoppedHere = false;
  try {
    try {
      for await (const data of await client.stream(wire.path, wire.body, signal)) {
        const piece = readChunk(data, prepared.upstreamPrompt.kind);
        if (piece.done) break;
        usage = piece.usage ?? usage;
        reason = piece.finish ?? reason;
        if (piece.text === undefined) continue;
        textChunks++;
        const { emit, stopped } = stops.push(piece.text);
        if (emit) yield { type: 'text', text: emit };
        if (stopped) {
          stoppedHere = true;
          break;
        }
      }
    } catch (error) {
      if (!request.signal?.aborted) throw error;
    }
    if (stoppedHere) reason = 'stop';
    else {
      if (request.signal?.aborted) reason = 'abort';
      const rest = stops.flush();
      if (rest) yield { type: 'text', text: rest };
    }
  } finally {
    // Stopped here, aborted, or the consumer left: the engine must stop generating too.
    cancel.abort();
  }
  if (reason === undefined)
    throw new EngineFailed('the inference engine ended the stream early; retry shortly');
  yield {
    type: 'finish',
    reason,
    usage: usage ?? { promptTokens: prepared.promptTokens ?? 0, completionTokens: textChunks },
  };
}
