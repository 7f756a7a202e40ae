import { ModelLoadError } from '../../errors';
import type { EngineLog, UpstreamClient } from './client';
import { checkUpstream, type ModelCard } from './health';
import { detectTokenizer, type UpstreamTokenizer } from './tokenizer';

export interface ConnectOptions {
  model?: string;
  readyTimeoutSeconds: number;
  log?: EngineLog;
}

export interface ConnectedUpstream {
  model: string;
  card: ModelCard;
  tokenizer?: UpstreamTokenizer;
}

const POLL_MS = 1000;
const LOG_EVERY_MS = 30_000;

/**
 * Waits for the engine to serve (it may still be downloading weights), then settles which model
 * to ask for and how to count its prompts. Failures name settings, never the URL: setup logs are
 * public through Cog's /health-check.
 */
export async function connectUpstream(
  client: UpstreamClient,
  options: ConnectOptions,
): Promise<ConnectedUpstream> {
  const models = await waitUntilServing(client, options);
  const model = options.model ?? onlyModel(models);
  const card = models.find((m) => m.id === model);
  if (!card) {
    throw new ModelLoadError(
      `the inference engine serves ${names(models)}, not UPSTREAM_MODEL=${model}: set UPSTREAM_MODEL to one of them`,
    );
  }
  const tokenizer = await detectTokenizer(client, model);
  options.log?.info(
    {
      model,
      tokenizer: tokenizer?.dialect ?? 'none',
      contextLength: tokenizer?.contextLength ?? card.max_model_len,
    },
    tokenizer
      ? 'inference engine connected'
      : 'inference engine connected; it has no tokenizer route, so prompts pass uncounted (MAX_PROMPT_TOKENS does not apply)',
  );
  return { model, card, tokenizer };
}

async function waitUntilServing(
  client: UpstreamClient,
  { readyTimeoutSeconds, log }: ConnectOptions,
): Promise<ModelCard[]> {
  const started = performance.now();
  let loggedAt = -Infinity;
  for (;;) {
    const result = await checkUpstream(client);
    if (result.ok) return result.models;
    const elapsed = performance.now() - started;
    if (elapsed >= readyTimeoutSeconds * 1000) {
      throw new ModelLoadError(
        `the inference engine (UPSTREAM_URL) was not serving after ${readyTimeoutSeconds} s (UPSTREAM_READY_TIMEOUT_SECONDS): ${result.reason}`,
      );
    }
    if (elapsed - loggedAt >= LOG_EVERY_MS) {
      log?.info({ reason: result.reason }, 'waiting for the inference engine');
      loggedAt = elapsed;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function onlyModel(models: ModelCard[]): string {
  if (models.length === 1) return models[0].id;
  throw new ModelLoadError(
    `the inference engine serves ${names(models)}: set UPSTREAM_MODEL to the one to serve`,
  );
}

function names(models: ModelCard[]): string {
  return models.map((m) => m.id).join(', ');
}
