import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoTokenizer } from '@huggingface/transformers';
import {
  TokenSampler,
  TransformersBackend,
  type FinishReason,
  type GenerationEvent,
  type GenerationRequest,
  type Usage,
} from '../../inference/src/engine';
import { TINY_MODEL } from './server';
import { tempDir } from './temp-dir';

export { TINY_MODEL };

/** The tiny model (or another local folder) on the CPU, with the Hub switched off. */
export function loadLocalModel(model = TINY_MODEL): Promise<TransformersBackend> {
  return TransformersBackend.load({
    model,
    device: 'cpu',
    dtype: 'fp32',
    hub: {
      endpoint: 'http://127.0.0.1:9',
      cacheDir: tempDir('cache'),
      offline: true,
    },
  });
}

/** The same tokenizer the backend uses, loaded on its own so tests do not trust the engine's. */
export interface TestTokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options?: { skip_special_tokens?: boolean }): string;
}

export async function loadTokenizer(model = TINY_MODEL): Promise<TestTokenizer> {
  return (await AutoTokenizer.from_pretrained(model)) as unknown as TestTokenizer;
}

/** A greedy request for `text`; fields can be overridden. */
export function textRequest(
  text: string,
  overrides: Partial<GenerationRequest> = {},
): GenerationRequest {
  return {
    prompt: { kind: 'text', text },
    maxNewTokens: 16,
    temperature: 0,
    topP: 1,
    topK: 0,
    repetitionPenalty: 1,
    stop: [],
    ...overrides,
  };
}

export interface Generation {
  deltas: string[];
  text: string;
  reason: FinishReason;
  usage: Usage;
  /** Every event, in order, to check that exactly one finish event comes last. */
  events: GenerationEvent[];
}

export async function collect(events: AsyncIterable<GenerationEvent>): Promise<Generation> {
  const all: GenerationEvent[] = [];
  for await (const event of events) all.push(event);
  const finish = all.at(-1);
  if (finish?.type !== 'finish') throw new Error('the stream did not end with a finish event');
  const deltas = all.flatMap((e) => (e.type === 'text' ? [e.text] : []));
  return { deltas, text: deltas.join(''), reason: finish.reason, usage: finish.usage, events: all };
}

export function generate(
  backend: TransformersBackend,
  request: GenerationRequest,
): Promise<Generation> {
  return collect(backend.generate(backend.prepare(request)));
}

/**
 * Records the token ids the sampler picks (one per forward pass), so a test can compare the
 * streamed text with a plain decode of exactly the generated tokens.
 */
export function recordSampledTokens(): { ids: () => number[]; stop: () => void } {
  const spy = jest.spyOn(TokenSampler.prototype, 'next');
  return {
    ids: () => spy.mock.results.map((r) => r.value as number),
    stop: () => spy.mockRestore(),
  };
}

/** A copy of the tiny model folder with `edit` applied to its tokenizer_config.json. */
export function copyTinyModel(
  editTokenizerConfig: (config: Record<string, unknown>) => void = () => undefined,
): string {
  const dir = join(tempDir('model'), 'model');
  cpSync(TINY_MODEL, dir, { recursive: true });
  const path = join(dir, 'tokenizer_config.json');
  const config = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  editTokenizerConfig(config);
  writeFileSync(path, JSON.stringify(config, null, 2));
  return dir;
}
