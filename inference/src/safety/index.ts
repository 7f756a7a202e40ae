import type { ServerConfig } from '../config';
import type { HubOptions } from '../models/hub';
import { BlockList } from './blocklist';
import { checkBlockingLabels, ClassifierFilter, loadTextClassifier } from './classifier';
import { Moderator, type DecisionListener } from './moderator';
import { loadPolicy } from './policy';

export { BlockList } from './blocklist';
export { ClassifierFilter, type ClassifyTexts } from './classifier';
export { disclosureLine, registerDisclosureHeaders } from './disclosure';
export { Moderator, type Decision, type DecisionListener, type Direction } from './moderator';
export { loadPolicy, type Policy } from './policy';

export type ModerationSettings = ServerConfig['moderation'];

/**
 * The block list in force, or undefined with moderation off. Synchronous and cheap, so a bad
 * policy file stops the server at startup with every problem listed (ConfigError).
 */
export function loadBlockList(settings: ModerationSettings): BlockList | undefined {
  return settings.enabled ? BlockList.compile(loadPolicy(settings)) : undefined;
}

export interface LoadedModeration {
  moderator?: Moderator;
  dispose(): Promise<void>;
}

/** The moderator, with its classifier model loaded if one is configured (seconds: a model load). */
export async function loadModeration(
  settings: ModerationSettings,
  blockList: BlockList | undefined,
  hub: HubOptions,
  onDecision: DecisionListener,
): Promise<LoadedModeration> {
  if (!settings.enabled) return { dispose: async () => undefined };
  if (!settings.model) {
    return { moderator: new Moderator({ blockList }, onDecision), dispose: async () => undefined };
  }
  const { source, revision, threshold, blockingLabels } = settings.model;
  const loaded = await loadTextClassifier({ source, revision, hub });
  try {
    checkBlockingLabels(source, loaded.labels, blockingLabels);
  } catch (error) {
    await loaded.dispose();
    throw error;
  }
  const classifier = new ClassifierFilter(loaded.classify, { threshold, blockingLabels });
  await classifier.check('warm-up'); // the first run initialises lazily; not a client's to pay
  return {
    moderator: new Moderator({ blockList, classifier }, onDecision),
    dispose: () => loaded.dispose(),
  };
}
