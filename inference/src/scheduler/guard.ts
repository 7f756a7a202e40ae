import type { GenerationEvent, GenerationRequest } from '../engine/types';

/**
 * Checks what goes into the engine and filters what comes out (moderation lives in safety/).
 * The scheduler applies it to every request, so no protocol has to know about it.
 */
export interface GenerationGuard {
  /** Called at submission, before admission; throws (ContentFiltered) to refuse the request. */
  open(request: GenerationRequest): GuardedGeneration;
}

export interface GuardedGeneration {
  /** Settles before the generation starts; rejects to refuse it (checks that take a model run). */
  cleared: Promise<void>;
  /** The engine's events as the client may see them; `stop` aborts the generation. */
  output(events: AsyncIterable<GenerationEvent>, stop: () => void): AsyncIterable<GenerationEvent>;
}
