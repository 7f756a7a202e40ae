import { ValidationError } from '../../errors';
import { fallbackChatPrompt } from '../chat-prompt';
import type {
  Backend,
  BackendStatus,
  Device,
  Dtype,
  GenerationEvent,
  GenerationRequest,
  ModelInfo,
  Prompt,
} from '../types';
import { UpstreamClient, type EngineLog } from './client';
import { upstreamGeneration, type UpstreamPrepared } from './generation';
import { checkUpstream, HealthWatch, type HealthCheck } from './health';
import { connectUpstream } from './connect';
import type { UpstreamPrompt, UpstreamTokenizer } from './tokenizer';
import { toWireRequest } from './wire';

export interface UpstreamOptions {
  /** The engine's base URL, e.g. http://127.0.0.1:8000. */
  url: string;
  apiKey?: string;
  /** The engine's name for the model; @default the only model its /v1/models lists */
  model?: string;
  timeoutSeconds: number;
  /** How long `load` waits for the engine to come up (a vLLM pod downloads weights first). */
  readyTimeoutSeconds: number;
  healthIntervalSeconds: number;
  /** Generations the scheduler runs at once: each holds one pooled connection. */
  maxConcurrent: number;
  /** Used when the engine cannot count the prompt: max_tokens is then never left open. */
  maxNewTokens: number;
  /** What the operator says the engine runs on (reported, not checked). */
  device: Device;
  dtype: Dtype;
  log?: EngineLog;
}

/**
 * An OpenAI-compatible engine (vLLM, SGLang, TGI, llama.cpp's server) behind our server: we keep
 * the APIs, keys, limits, moderation and metrics, and the engine batches on its own scheduler.
 * Readiness follows the engine (polled, and marked down at once when a request cannot reach it).
 */
export class UpstreamBackend implements Backend {
  readonly tokenize?: (prompt: Prompt, signal?: AbortSignal) => Promise<number[]>;

  private constructor(
    private readonly client: UpstreamClient,
    private readonly health: HealthWatch,
    private readonly tokenizer: UpstreamTokenizer | undefined,
    private readonly model: string,
    private readonly maxNewTokens: number,
    readonly info: ModelInfo,
  ) {
    if (tokenizer)
      this.tokenize = (prompt, signal) => tokenizer.tokenize(this.upstreamPrompt(prompt), signal);
  }

  static async load(options: UpstreamOptions): Promise<UpstreamBackend> {
    const started = performance.now();
    let health: HealthWatch | undefined;
    const client = new UpstreamClient({
      url: options.url,
      apiKey: options.apiKey,
      timeoutSeconds: options.timeoutSeconds,
      // Every running generation holds a connection; probes and tokenizer calls need a few more.
      connections: options.maxConcurrent + 4,
      log: options.log,
      onUnreachable: (reason) => health?.markDown(reason),
    });
    try {
      const { model, card, tokenizer } = await connectUpstream(client, options);
      const info: ModelInfo = {
        source: model,
        engine: 'openai-upstream',
        device: options.device,
        dtype: options.dtype,
        // 0 when the engine does not say (no tokenizer route, no max_model_len in /v1/models).
        maxPositions: tokenizer?.contextLength ?? card.max_model_len ?? 0,
        hasChatTemplate: tokenizer?.chatTemplate ?? true,
        loadSeconds: (performance.now() - started) / 1000,
      };
      health = new HealthWatch(() => modelCheck(client, model), {
        intervalSeconds: options.healthIntervalSeconds,
        onChange: (up, reason) =>
          up
            ? options.log?.info({}, 'inference engine available again')
            : options.log?.warn({ reason }, 'inference engine unavailable'),
      });
      health.start();
      return new UpstreamBackend(client, health, tokenizer, model, options.maxNewTokens, info);
    } catch (error) {
      await client.close();
      throw error;
    }
  }

  /** Counts the prompt where the engine can, and holds it to the context as local engines do. */
  async prepare(request: GenerationRequest): Promise<UpstreamPrepared> {
    const upstreamPrompt = this.upstreamPrompt(request.prompt);
    if (!this.tokenizer) {
      const maxNewTokens = request.maxNewTokens ?? this.maxNewTokens;
      return { request: { ...request, maxNewTokens }, upstreamPrompt };
    }
    const ids = await this.tokenizer.tokenize(upstreamPrompt, request.signal);
    const maxNewTokens = checkContext(ids.length, this.info.maxPositions, request.maxNewTokens);
    return {
      request: { ...request, maxNewTokens: maxNewTokens ?? this.maxNewTokens },
      promptTokens: ids.length,
      upstreamPrompt,
    };
  }

  async *generate(prepared: UpstreamPrepared): AsyncIterable<GenerationEvent> {
    const { request, upstreamPrompt } = prepared;
    const wire = toWireRequest(
      this.model,
      upstreamPrompt,
      request,
      request.maxNewTokens,
      this.tokenizer?.dialect,
    );
    yield* upstreamGeneration(this.client, wire, prepared);
  }

  /** vLLM, llama.cpp (with --metrics) and SGLang serve /metrics on the API port. */
  async metrics(): Promise<string | undefined> {
    return this.client.text('/metrics');
  }

  status(): BackendStatus {
    return { available: this.health.available };
  }

  async dispose(): Promise<void> {
    this.health.stop();
    await this.client.close();
  }

  /** A chat the engine cannot render (no template) goes as our plain transcript, like ONNX's. */
  private upstreamPrompt(prompt: Prompt): UpstreamPrompt {
    if (prompt.kind === 'chat' && !this.info.hasChatTemplate)
      return { kind: 'text', text: fallbackChatPrompt(prompt.messages) };
    return prompt;
  }
}

/** The engine is healthy and still serves the model we send requests for. */
async function modelCheck(client: UpstreamClient, model: string): Promise<HealthCheck> {
  const result = await checkUpstream(client);
  if (result.ok && !result.models.some((m) => m.id === model))
    return { ok: false, reason: `the engine no longer lists the model ${model}` };
  return result;
}

/**
 * The same checks and messages as the ONNX engine's; returns max_new_tokens, filled to the rest
 * of the context when the client gave none (undefined when the context is unknown).
 */
function checkContext(
  promptTokens: number,
  limit: number,
  maxNewTokens: number | undefined,
): number | undefined {
  if (promptTokens === 0)
    throw new ValidationError('the prompt is empty; send at least one character', 'prompt');
  if (limit === 0) return maxNewTokens;
  if (promptTokens >= limit) {
    throw new ValidationError(
      `this model's context is ${limit} tokens and the prompt has ${promptTokens}: shorten the prompt`,
      'prompt',
    );
  }
  const wanted = maxNewTokens ?? limit - promptTokens;
  if (promptTokens + wanted > limit) {
    throw new ValidationError(
      `this model's context is ${limit} tokens; the prompt has ${promptTokens} and max_new_tokens asks for ${wanted}: shorten the prompt or lower max_new_tokens`,
      'max_tokens',
    );
  }
  return wanted;
}
