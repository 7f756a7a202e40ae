import {
  AutoConfig,
  AutoModelForCausalLM,
  AutoTokenizer,
  Tensor,
  env,
} from '@huggingface/transformers';
import { ModelLoadError } from '../errors';
import { fitContext } from './context-window';
import { configureHub, type HubOptions, type TransformersEnv } from '../models/hub';
import { describeHubError } from '../models/hub-errors';
import { checkLocalModelFolder, resolveModelSource } from '../models/source';
import { ContinuousBatcher, ModelStepper, Sequence, type BatcherOptions } from './batching';
import { fallbackChatPrompt } from './chat-prompt';
import { decodeLoop, type DecoderModel } from './decode-loop';
import type {
  Backend,
  BackendStatus,
  Device,
  Dtype,
  GenerationEvent,
  GenerationRequest,
  ModelInfo,
  Prompt,
  TokenizedRequest,
} from './types';

export interface LoadProgress {
  file: string;
  /** 0-100 for a file being fetched or read; undefined when the file is done. */
  percent?: number;
}

export interface LoadOptions {
  /** A local folder or a Hugging Face Hub id. */
  model: string;
  revision?: string;
  device: Device;
  dtype: Dtype;
  hub: HubOptions;
  /** How concurrent generations share forward passes. @default one sequence, 64 MiB, 64 tokens */
  batching?: BatcherOptions;
  onProgress?: (progress: LoadProgress) => void;
}

const DEFAULT_BATCHING: BatcherOptions = {
  maxBatch: 1,
  kvCacheBytes: 64 * 1024 * 1024,
  prefillChunkTokens: 64,
};

interface Tokenizer {
  encode(text: string, options?: { add_special_tokens?: boolean }): number[];
  decode(ids: number[], options: { skip_special_tokens: boolean }): string;
  apply_chat_template(
    messages: object[],
    options: { tokenize: false; add_generation_prompt: boolean },
  ): string;
  chat_template: unknown;
}

/**
 * A causal language model on transformers.js + ONNX Runtime. Concurrent generations decode
 * together in one batched forward pass per token (engine/batching); a model whose inputs do not
 * allow it (no position_ids, or a recurrent state) decodes each on its own, as generate() does.
 */
export class TransformersBackend implements Backend {
  private readonly batcher?: ContinuousBatcher;

  private constructor(
    private readonly tokenizer: Tokenizer,
    private readonly model: DecoderModel,
    private readonly eosTokenIds: ReadonlySet<number>,
    readonly info: ModelInfo,
    batching: BatcherOptions,
  ) {
    if (ModelStepper.canBatch(model))
      this.batcher = new ContinuousBatcher(new ModelStepper(model), batching);
  }

  static async load(options: LoadOptions): Promise<TransformersBackend> {
    const started = performance.now();
    const source = resolveModelSource(options.model, options.revision);
    if (source.kind === 'local') checkLocalModelFolder(source.path, options.dtype);
    configureHub(env as unknown as TransformersEnv, options.hub);
    const name = source.kind === 'local' ? source.path : source.id;
    const common = {
      revision: source.kind === 'hub' ? source.revision : undefined,
      progress_callback: (p: { status: string; file?: string; progress?: number }) => {
        if (p.file && p.status === 'progress')
          options.onProgress?.({ file: p.file, percent: p.progress });
        if (p.file && p.status === 'done') options.onProgress?.({ file: p.file });
      },
    };
    try {
      // config.json first: a missing repository, revision or token then fails on it, with its
      // HTTP status, rather than as a tokenizer that came back empty.
      const pretrainedConfig = await AutoConfig.from_pretrained(name, common);
      const tokenizer = (await AutoTokenizer.from_pretrained(name, common)) as unknown as Tokenizer;
      const model = (await AutoModelForCausalLM.from_pretrained(name, {
        ...common,
        config: pretrainedConfig,
        device: options.device,
        dtype: options.dtype,
      })) as unknown as DecoderModel;
      const config = model.config as {
        eos_token_id?: number | number[];
        n_positions?: number;
        max_position_embeddings?: number;
      };
      const generationConfig = (model.generation_config ?? {}) as {
        eos_token_id?: number | number[];
      };
      const eos = new Set<number>(
        [config.eos_token_id ?? [], generationConfig.eos_token_id ?? []].flat(),
      );
      const info: ModelInfo = {
        source: options.model,
        engine: 'onnx',
        device: options.device,
        dtype: options.dtype,
        maxPositions: config.max_position_embeddings ?? config.n_positions ?? 2048,
        hasChatTemplate: Boolean(tokenizer.chat_template),
        loadSeconds: (performance.now() - started) / 1000,
      };
      return new TransformersBackend(
        tokenizer,
        model,
        eos,
        info,
        options.batching ?? DEFAULT_BATCHING,
      );
    } catch (error) {
      if (error instanceof ModelLoadError) throw error;
      const hubProblem =
        source.kind === 'hub'
          ? describeHubError(error, source.id, source.revision, options.hub)
          : undefined;
      throw new ModelLoadError(
        hubProblem ??
          `could not load model "${options.model}" on ${options.device}/${options.dtype}: ${firstLine(error)}`,
      );
    }
  }

  prepare(request: GenerationRequest): TokenizedRequest {
    return fitContext(request, this.encode(request.prompt), this.info.maxPositions);
  }

  async *generate(prepared: TokenizedRequest): AsyncIterable<GenerationEvent> {
    if (!this.batcher) return yield* this.generateAlone(prepared);
    const sequence = new Sequence(prepared, this.tokenizer, this.eosTokenIds);
    this.batcher.submit(sequence);
    try {
      yield* sequence.events;
    } finally {
      // A consumer that stops reading early gives its row back at the next step.
      sequence.cancel();
    }
  }

  status(): BackendStatus {
    return this.batcher?.status() ?? { available: true };
  }

  private async *generateAlone({
    request,
    promptIds,
  }: TokenizedRequest): AsyncIterable<GenerationEvent> {
    const inputIds = new Tensor('int64', BigInt64Array.from(promptIds, BigInt), [
      1,
      promptIds.length,
    ]);
    const attentionMask = new Tensor('int64', new BigInt64Array(promptIds.length).fill(1n), [
      1,
      promptIds.length,
    ]);
    yield* decodeLoop({
      model: this.model,
      tokenizer: this.tokenizer,
      eosTokenIds: this.eosTokenIds,
      promptIds,
      inputs: { input_ids: inputIds, attention_mask: attentionMask },
      request,
    });
  }

  tokenize(prompt: Prompt): number[] {
    return this.encode(prompt);
  }

  async dispose(): Promise<void> {
    await this.batcher?.dispose();
    await this.model.dispose();
  }

  private encode(prompt: Prompt): number[] {
    if (prompt.kind === 'text') return this.tokenizer.encode(prompt.text);
    const text = this.info.hasChatTemplate
      ? this.tokenizer.apply_chat_template(prompt.messages, {
          tokenize: false,
          add_generation_prompt: true,
        })
      : fallbackChatPrompt(prompt.messages);
    // The template already holds any BOS token; do not add special tokens twice.
    return this.tokenizer.encode(text, { add_special_tokens: false });
  }
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
