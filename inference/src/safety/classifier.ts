import { env, pipeline } from '@huggingface/transformers';
import { ModelLoadError } from '../errors';
import { configureHub, type HubOptions, type TransformersEnv } from '../models/hub';
import { resolveModelSource } from '../models/source';

export interface LabelScore {
  label: string;
  score: number;
}

/** Every label's score for each text, as transformers.js's text-classification pipeline gives them. */
export type ClassifyTexts = (texts: string[]) => Promise<LabelScore[][]>;

export interface ClassifierSettings {
  /** A blocking label at or above this score blocks. */
  threshold: number;
  blockingLabels: string[];
}

/** Text is judged in pieces a BERT-sized model reads whole (~250 tokens), overlapping a little. */
const CHUNK_CHARS = 1000;
const CHUNK_OVERLAP_CHARS = 100;

/** Blocks text that a classifier scores at or above the threshold on any blocking label. */
export class ClassifierFilter {
  private readonly blocking: ReadonlySet<string>;

  constructor(
    private readonly classify: ClassifyTexts,
    private readonly settings: ClassifierSettings,
  ) {
    this.blocking = new Set(settings.blockingLabels);
  }

  /** The blocking label with the highest score at or above the threshold, if any. */
  async check(text: string): Promise<string | undefined> {
    const chunks = chunkText(text);
    if (chunks.length === 0) return undefined;
    let worst: LabelScore | undefined;
    for (const scores of await this.classify(chunks)) {
      for (const { label, score } of scores) {
        if (!this.blocking.has(label) || score < this.settings.threshold) continue;
        if (!worst || score > worst.score) worst = { label, score };
      }
    }
    return worst?.label;
  }
}

/** Splits at whitespace where it can, so words stay whole. */
export function chunkText(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.length === 0) return [];
  const chunks: string[] = [];
  let start = 0;
  while (start < trimmed.length) {
    let end = Math.min(start + CHUNK_CHARS, trimmed.length);
    if (end < trimmed.length) {
      const space = trimmed.lastIndexOf(' ', end);
      if (space > start + CHUNK_OVERLAP_CHARS) end = space;
    }
    chunks.push(trimmed.slice(start, end));
    if (end >= trimmed.length) break;
    start = Math.max(end - CHUNK_OVERLAP_CHARS, start + 1);
  }
  return chunks;
}

export interface LoadedClassifier {
  classify: ClassifyTexts;
  /** The model's labels (config.json id2label). */
  labels: string[];
  dispose(): Promise<void>;
}

interface TextClassificationPipeline {
  (texts: string[], options: { top_k: null }): Promise<LabelScore[][]>;
  model: { config: { id2label?: Record<string, string> } };
  dispose(): Promise<void>;
}

/**
 * A text-classification model (local folder or Hub id) on transformers.js, on the CPU: moderation
 * models are small, and the GPU is the generator's.
 */
export async function loadTextClassifier(options: {
  source: string;
  revision: string;
  hub: HubOptions;
}): Promise<LoadedClassifier> {
  const source = resolveModelSource(options.source, options.revision);
  configureHub(env as unknown as TransformersEnv, options.hub);
  const name = source.kind === 'local' ? source.path : source.id;
  let classifier: TextClassificationPipeline;
  try {
    classifier = (await pipeline('text-classification', name, {
      revision: source.kind === 'hub' ? source.revision : undefined,
      device: 'cpu',
    })) as unknown as TextClassificationPipeline;
  } catch (error) {
    throw new ModelLoadError(
      `could not load the moderation model "${options.source}" (MODERATION_MODEL): ${firstLine(error)}`,
    );
  }
  return {
    classify: (texts) => classifier(texts, { top_k: null }),
    labels: Object.values(classifier.model.config.id2label ?? {}),
    dispose: () => classifier.dispose(),
  };
}

/** Fails setup, naming the fix, when a blocking label is not one the model has. */
export function checkBlockingLabels(source: string, labels: string[], blocking: string[]): void {
  const unknown = blocking.filter((label) => !labels.includes(label));
  if (unknown.length === 0) return;
  throw new ModelLoadError(
    `MODERATION_MODEL_LABELS names ${unknown.map((l) => JSON.stringify(l)).join(', ')}, which the moderation model "${source}" does not have; its labels: ${labels.join(', ') || '(none in config.json id2label)'}`,
  );
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
