import type { FinishReason, GenerationEvent, Usage } from '../../engine/types';
import type { Submission } from '../../scheduler';
import { UnknownPrediction, ValidationError } from '../../errors';
import { issueAt } from '../../http/validation';
import type { Lifecycle } from '../../lifecycle';
import { newPredictionId } from './ids';
import { parsePredictionInput, toGenerationRequest } from './input';
import { Prediction } from './prediction';
import type { PredictionPage, PredictionStore } from './store';
import type { WebhookSender, WebhookTarget } from './webhooks';

export interface PredictionServiceOptions {
  lifecycle: Lifecycle;
  store: PredictionStore;
  webhooks: WebhookSender;
  /** Upper bound of `max_new_tokens` (server config). */
  maxNewTokens: number;
  /** What `model` and `version` say when the client named none. */
  servedModelName: string;
  modelVersion: string;
  log?: { error(details: object, message: string): void };
}

export interface CreatePredictionOptions {
  /** Client-chosen id (Cog's PUT): a retry with the same id reattaches instead of creating. */
  id?: string;
  /** The caller's account (API key id): predictions are visible to their owner only. */
  owner: string;
  input: unknown;
  model?: string;
  version?: string;
  webhook?: WebhookTarget;
}

export interface CreatedPrediction {
  prediction: Prediction;
  /** False when `id` named a prediction that already existed. */
  created: boolean;
}

/** How long close() lets canceled generations wind down (they stop within one token). */
const CLOSE_WAIT_MS = 2000;

/**
 * Prediction semantics shared by Cog and Replicate: create (validated and admitted synchronously,
 * so a full server answers at once), run in the background, look up, cancel, list.
 */
export class PredictionService {
  private seq = 0;
  private readonly sweeper: NodeJS.Timeout;

  constructor(private readonly options: PredictionServiceOptions) {
    this.modelVersion = options.modelVersion;
    this.sweeper = setInterval(() => options.store.evict(), 30_000);
    this.sweeper.unref();
  }

  /** The served model's version id, what predictions report unless they name another. */
  readonly modelVersion: string;

  /** Rejects with ValidationError, Overloaded, ModelNotReady or ShuttingDown before anything runs. */
  async create(request: CreatePredictionOptions): Promise<CreatedPrediction> {
    const { store, lifecycle, webhooks } = this.options;
    const existing = this.existing(request);
    if (existing) return { prediction: existing, created: false };
    if (typeof request.input !== 'object' || request.input === null || Array.isArray(request.input))
      throw new ValidationError(
        'input must be a JSON object, e.g. {"prompt": "Hello"}',
        'input',
        issueAt(['body', 'input'], 'Input should be a valid dictionary', 'dict_type'),
      );
    const input = parsePredictionInput(request.input, this.options.maxNewTokens);
    const scheduler = lifecycle.acquireScheduler();
    const abort = new AbortController();
    const submitted = await scheduler
      .submit(toGenerationRequest(input, abort.signal))
      .catch(locateInInput);
    // Another request may have taken the id while this one was being admitted.
    const raced = this.existingAfterAdmission(request, abort, submitted);
    if (raced) return { prediction: raced, created: false };
    const prediction = new Prediction({
      id: request.id ?? newPredictionId(),
      input: request.input as Record<string, unknown>,
      model: request.model ?? this.options.servedModelName,
      version: request.version ?? this.options.modelVersion,
      owner: request.owner,
      abort,
      seq: this.seq++,
      promptTokens: submitted.promptTokens,
    });
    if (request.webhook) webhooks.attach(prediction, request.webhook);
    store.add(prediction);
    void this.run(prediction, submitted, abort.signal);
    return { prediction, created: true };
  }

  /** The caller's own prediction with the requested id (an idempotent PUT); another's is a 422. */
  private existing(request: CreatePredictionOptions): Prediction | undefined {
    if (request.id === undefined) return undefined;
    const existing = this.options.store.get(request.id);
    if (existing && existing.owner !== request.owner) {
      throw new ValidationError(
        `prediction id ${JSON.stringify(request.id)} is taken; choose another (a random UUID)`,
        'id',
      );
    }
    return existing;
  }

  /** `existing`, checked again once admitted: the admitted generation is given up if it raced. */
  private existingAfterAdmission(
    request: CreatePredictionOptions,
    abort: AbortController,
    submitted: Submission,
  ): Prediction | undefined {
    try {
      const existing = this.existing(request);
      if (existing) {
        abort.abort();
        void drain(submitted.events);
      }
      return existing;
    } catch (error) {
      abort.abort();
      void drain(submitted.events);
      throw error;
    }
  }

  /** `account`'s prediction `id`; others' are as unknown as missing ones. */
  find(id: string, account: string): Prediction | undefined {
    const prediction = this.options.store.get(id);
    return prediction?.owner === account ? prediction : undefined;
  }

  get(id: string, account: string): Prediction {
    const prediction = this.find(id, account);
    if (!prediction)
      throw new UnknownPrediction(`no prediction ${JSON.stringify(id)} (unknown, or expired)`);
    return prediction;
  }

  /** Asks a prediction to stop and waits up to `waitMs` for it to end. */
  async cancel(id: string, account: string, waitMs = 0): Promise<Prediction> {
    const prediction = this.get(id, account);
    prediction.requestCancel();
    await prediction.waitFor(waitMs);
    return prediction;
  }

  page(account: string, cursor?: string): PredictionPage {
    return this.options.store.page(account, cursor);
  }

  /** Webhooks queued, in flight or waiting for their throttle window (a drain's idle probe). */
  get pendingWebhooks(): number {
    return this.options.webhooks.pending;
  }

  /** Settles once every pending webhook is delivered or given up (graceful shutdown). */
  drainWebhooks(): Promise<void> {
    return this.options.webhooks.drain();
  }

  /** Cancels what still runs, lets it end, then gives up on undelivered webhooks. */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    const running = this.options.store.running();
    for (const prediction of running) prediction.requestCancel();
    await Promise.all(running.map((p) => p.waitFor(CLOSE_WAIT_MS)));
    this.options.webhooks.close();
  }

  /** Drives the generation to its end (which releases the slot), recording each step. */
  private async run(
    prediction: Prediction,
    submitted: Submission,
    canceled: AbortSignal,
  ): Promise<void> {
    // A macrotask later, so the response that creates the prediction shows it `starting` (as
    // Cog's and Replicate's do) even when a slot was free at once.
    void submitted.started.then((queueSeconds) =>
      setImmediate(() => {
        if (queueSeconds === null || prediction.done) return;
        prediction.markStarted();
        prediction.appendLogs(
          `prompt: ${submitted.promptTokens ?? 'unknown'} tokens; waited ${queueSeconds.toFixed(3)} s for a slot\n`,
        );
      }),
    );
    try {
      let finish: { reason: FinishReason; usage: Usage } | undefined;
      for await (const event of submitted.events) {
        if (event.type === 'text') prediction.appendOutput(event.text);
        else finish = event;
      }
      const completionTokens = finish?.usage.completionTokens;
      if (!finish || finish.reason === 'abort') {
        // Not asked to stop, so the scheduler's time limit (REQUEST_TIMEOUT_SECONDS) cut it off.
        if (canceled.aborted) prediction.complete('canceled', { completionTokens });
        else {
          prediction.complete('failed', {
            completionTokens,
            error: "the generation ran past the server's time limit; ask for fewer tokens",
          });
        }
        return;
      }
      prediction.appendLogs(finishLog(prediction, finish.reason, finish.usage));
      prediction.complete('succeeded', { completionTokens });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.options.log?.error({ prediction: prediction.id, err: error }, 'prediction failed');
      prediction.complete('failed', { error: message });
    }
  }
}

function finishLog(prediction: Prediction, reason: FinishReason, usage: Usage): string {
  const seconds = prediction.startedAt ? (Date.now() - prediction.startedAt.getTime()) / 1000 : 0;
  const rate = seconds > 0 ? ` (${(usage.completionTokens / seconds).toFixed(1)} tokens/s)` : '';
  return `generated ${usage.completionTokens} tokens in ${seconds.toFixed(3)} s${rate}; finish reason: ${reason}\n`;
}

async function drain(events: AsyncIterable<GenerationEvent>): Promise<void> {
  for await (const event of events) void event;
}

/** The engine names OpenAI's parameters; a prediction's problem lies in its input's fields. */
function locateInInput(error: unknown): never {
  if (!(error instanceof ValidationError) || error.issues) throw error;
  const field = error.param === 'max_tokens' ? 'max_new_tokens' : (error.param ?? 'prompt');
  throw new ValidationError(error.message, field, issueAt(['body', 'input', field], error.message));
}
