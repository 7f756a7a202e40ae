import type {
  LlamaContextSequence,
  LlamaModel,
  SequenceEvaluateOptions,
  Token,
} from 'node-llama-cpp';
import { IncrementalDetokenizer, type TokenDecoder } from '../detokenizer';
import { EventChannel } from '../event-channel';
import { randomSeed } from '../sampling';
import { StopSequenceMatcher } from '../stop-sequences';
import type { FinishReason, GenerationEvent, PreparedRequest } from '../types';

export interface SequenceGeneration {
  model: LlamaModel;
  /** The model's detokenizer, one per backend (the incremental detokenizer caches by it). */
  decoder: TokenDecoder;
  sequence: LlamaContextSequence;
  promptIds: readonly number[];
  /** Leading prompt tokens already in the sequence's KV cache. */
  reused: number;
  request: PreparedRequest['request'];
  /** Tokens the repetition penalty may look back over: the whole context. */
  contextSize: number;
}

/** llama.cpp's dist sampler takes a 32-bit seed; every integer maps to one, negatives included. */
function seed32(seed: number): number {
  const n = Math.trunc(seed) % 2 ** 32;
  return n < 0 ? n + 2 ** 32 : n;
}

/**
 * The request's sampling as llama.cpp's sampler chain takes it. node-llama-cpp's defaults (top-k
 * 40, top-p 0.95, a seed from the clock in seconds) are replaced by the request's own values.
 * `history` is read again at every token, so pushing to it extends the repetition penalty to the
 * tokens generated so far (prompt included, as Hugging Face's penalty is).
 */
function samplerOptions(g: SequenceGeneration, history: Token[]): SequenceEvaluateOptions {
  const { temperature, topK, topP, repetitionPenalty, seed } = g.request;
  return {
    temperature,
    topK,
    topP,
    minP: 0,
    seed: seed32(seed ?? randomSeed()),
    repeatPenalty:
      repetitionPenalty === 1
        ? undefined
        : { punishTokens: history, penalty: repetitionPenalty, maxPunishTokens: g.contextSize },
    yieldEogToken: true,
  };
}

/**
 * One generation on one sequence: evaluates the prompt (past what the sequence already holds) and
 * streams the tokens llama.cpp samples, with the same text rules as the ONNX engine's decode loop:
 * UTF-8-safe deltas, stop sequences held back and never emitted, an abort seen before each next
 * token, the end-of-generation token counted but not shown.
 *
 * The sequence asks for its next token as soon as it has one, not when the consumer reads it:
 * node-llama-cpp decodes together the sequences that ask within one event-loop cycle, so a
 * sequence that waited on its HTTP client would miss its batch and decode alone.
 */
export async function* generateOnSequence(g: SequenceGeneration): AsyncGenerator<GenerationEvent> {
  const events = new EventChannel<GenerationEvent>();
  const consumer = { gone: false };
  // A failure reaches the consumer's iteration, after the events before it.
  const producing = produce(g, events, consumer).catch((error: unknown) => events.fail(error));
  try {
    yield* events;
  } finally {
    consumer.gone = true;
    await producing;
  }
}

async function produce(
  g: SequenceGeneration,
  events: EventChannel<GenerationEvent>,
  consumer: { gone: boolean },
): Promise<void> {
  const { model, request } = g;
  const history = [...g.promptIds] as Token[];
  const detokenizer = new IncrementalDetokenizer(g.decoder);
  const stops = new StopSequenceMatcher(request.stop);
  const tokens = g.sequence.evaluate(
    g.promptIds.slice(g.reused) as Token[],
    samplerOptions(g, history),
  );
  let completionTokens = 0;
  let reason: FinishReason = 'length';
  let stopSequenceFound = false;
  try {
    while (completionTokens < request.maxNewTokens) {
      if (consumer.gone || request.signal?.aborted) {
        reason = 'abort';
        break;
      }
      const next = await tokens.next();
      if (next.done) {
        reason = 'stop';
        break;
      }
      const token = next.value;
      completionTokens++;
      if (model.isEogToken(token)) {
        reason = 'stop';
        break;
      }
      history.push(token);
      const { emit, stopped } = stops.push(detokenizer.push(token));
      if (emit) events.push({ type: 'text', text: emit });
      if (stopped) {
        reason = 'stop';
        stopSequenceFound = true;
        break;
      }
    }
    if (!stopSequenceFound) {
      const tail = stops.push(detokenizer.flush());
      if (tail.stopped && reason === 'length') reason = 'stop';
      const rest = tail.stopped ? tail.emit : tail.emit + stops.flush();
      if (rest) events.push({ type: 'text', text: rest });
    }
  } finally {
    // Ends node-llama-cpp's evaluation (and its sampler) before the sequence is lent again.
    await tokens.return();
  }
  events.push({
    type: 'finish',
    reason,
    usage: { promptTokens: g.promptIds.length, completionTokens },
  });
  events.close();
}
