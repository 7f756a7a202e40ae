import type { FinishReason, GenerationEvent, GenerationRequest, Usage } from '../../engine/types';
import type { Scheduler } from '../../scheduler';

export interface ChoiceRun {
  index: number;
  events: AsyncIterable<GenerationEvent>;
}

export interface ChoiceResult {
  index: number;
  text: string;
  reason: FinishReason;
  usage: Usage;
}

/**
 * Admits every choice or none: if one is rejected (Overloaded, ValidationError), the ones already
 * admitted are aborted and drained so their slots come back, and the error propagates.
 */
export async function startChoices(
  scheduler: Scheduler,
  requests: GenerationRequest[],
  clientGone: AbortSignal,
): Promise<ChoiceRun[]> {
  const controller = new AbortController();
  const abort = () => controller.abort();
  clientGone.addEventListener('abort', abort, { once: true });
  const runs: ChoiceRun[] = [];
  try {
    for (const [index, request] of requests.entries()) {
      const { events } = await scheduler.submit({ ...request, signal: controller.signal });
      runs.push({ index, events });
    }
    return runs;
  } catch (error) {
    controller.abort();
    for (const run of runs) void drain(run.events);
    throw error;
  }
}

async function drain(events: AsyncIterable<GenerationEvent>): Promise<void> {
  for await (const event of events) void event;
}

export async function collectChoice(run: ChoiceRun): Promise<ChoiceResult> {
  let text = '';
  for await (const event of run.events) {
    if (event.type === 'text') text += event.text;
    else return { index: run.index, text, reason: event.reason, usage: event.usage };
  }
  throw new Error('generation ended without a finish event');
}

/** Interleaves the choices' events as they arrive, each tagged with its choice index. */
export async function* mergeChoices(
  runs: ChoiceRun[],
): AsyncGenerator<{ index: number; event: GenerationEvent }> {
  const iterators = runs.map((run) => run.events[Symbol.asyncIterator]());
  const pending = new Map<
    number,
    Promise<{ i: number; result: IteratorResult<GenerationEvent> }>
  >();
  const arm = (i: number) =>
    pending.set(
      i,
      iterators[i].next().then((result) => ({ i, result })),
    );
  iterators.forEach((_, i) => arm(i));
  try {
    while (pending.size > 0) {
      const { i, result } = await Promise.race(pending.values());
      if (result.done) {
        pending.delete(i);
        continue;
      }
      arm(i);
      yield { index: runs[i].index, event: result.value };
    }
  } finally {
    // The consumer stopped early (client gone): close every generation so slots are released.
    await Promise.all(iterators.map((it) => it.return?.()));
  }
}
