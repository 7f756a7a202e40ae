import type { ServerConfig } from './config';
import { TransformersBackend, type Backend, type LoadProgress } from './engine';
import {
  disclosureLine,
  loadBlockList,
  loadModeration,
  type BlockList,
  type DecisionListener,
} from './safety';
import { combineObservers, Scheduler, type SchedulerObserver } from './scheduler';

/**
 * A loaded engine behind its scheduler, with moderation, the disclosure preamble, the prompt cap
 * and the time limit in force. `serve` and `predict` both get theirs here, so a prediction from
 * the command line is held to what a served one is.
 */
export interface AssembledEngine {
  backend: Backend;
  scheduler: Scheduler;
  warmupSeconds: number;
  dispose(): Promise<void>;
}

export interface AssemblyOptions {
  /** Compiled at startup by `serve` (a bad policy stops it before it listens); else loaded here. */
  blockList?: BlockList;
  observers?: SchedulerObserver[];
  onDecision?: DecisionListener;
  /** Called once the model is loaded, before warm-up and moderation. */
  onLoaded?: (backend: Backend) => void;
  onProgress?: (progress: LoadProgress) => void;
}

/** The backend `config.engine` names, loaded. */
export async function loadBackend(
  config: ServerConfig,
  onProgress?: (progress: LoadProgress) => void,
): Promise<Backend> {
  switch (config.engine) {
    case 'onnx':
      return TransformersBackend.load({
        model: config.model,
        revision: config.revision,
        device: config.device,
        dtype: config.dtype,
        hub: config.hub,
        // Every generation the scheduler lets run decodes in the batch: one limit, one queue.
        batching: { maxBatch: config.limits.maxConcurrent, ...config.batching },
        onProgress,
      });
  }
}

/** Loads the backend, warms it up, loads moderation and builds the scheduler. */
export async function assembleEngine(
  config: ServerConfig,
  options: AssemblyOptions = {},
): Promise<AssembledEngine> {
  const blockList = options.blockList ?? loadBlockList(config.moderation);
  const backend = await loadBackend(config, options.onProgress);
  let moderation: Awaited<ReturnType<typeof loadModeration>> | undefined;
  try {
    options.onLoaded?.(backend);
    // Warm up unobserved, so the metrics count only what clients asked for.
    const warmupSeconds = await warmUp(new Scheduler(backend, { maxConcurrent: 1, maxQueue: 0 }));
    moderation = await loadModeration(
      config.moderation,
      blockList,
      config.hub,
      options.onDecision ?? (() => undefined),
    );
    const scheduler = new Scheduler(backend, {
      maxConcurrent: config.limits.maxConcurrent,
      maxQueue: config.limits.maxQueue,
      maxPromptTokens: config.maxPromptTokens,
      timeoutSeconds: config.requestTimeoutSeconds,
      observer: combineObservers(options.observers ?? []),
      captureText: config.logPrompts,
      guard: moderation.moderator,
      preamble: disclosureLine(config.disclosureText),
    });
    const loadedModeration = moderation;
    return {
      backend,
      scheduler,
      warmupSeconds,
      dispose: async () => {
        await backend.dispose();
        await loadedModeration.dispose();
      },
    };
  } catch (error) {
    await moderation?.dispose();
    await backend.dispose();
    throw error;
  }
}

/** One short greedy generation, so the first real request does not pay for lazy initialisation. */
async function warmUp(scheduler: Scheduler): Promise<number> {
  const started = performance.now();
  const { events } = await scheduler.submit({
    prompt: { kind: 'text', text: 'Hello' },
    maxNewTokens: 2,
    temperature: 0,
    topP: 1,
    topK: 0,
    repetitionPenalty: 1,
    seed: 0,
    stop: [],
  });
  for await (const event of events) void event;
  return (performance.now() - started) / 1000;
}
