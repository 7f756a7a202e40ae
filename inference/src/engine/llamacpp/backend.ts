import { basename } from 'node:path';
import { fitContext } from '../context-window';
import type { Llama, LlamaContext, LlamaModel, Token } from 'node-llama-cpp';
import { DomainError, ModelLoadError, ValidationError } from '../../errors';
import type { GgufChoice } from '../../models/gguf-choice';
import { fetchHubGguf, isHubId, localGguf, type LocalGguf } from '../../models/gguf-source';
import type { HubOptions } from '../../models/hub';
import type { TokenDecoder } from '../detokenizer';
import type { LoadProgress } from '../transformers-backend';
import type {
  Backend,
  BackendStatus,
  Device,
  GenerationEvent,
  GenerationRequest,
  ModelInfo,
  Prompt,
  TokenizedRequest,
} from '../types';
import { chatRenderer, type ChatRenderer } from './chat-template';
import { generateOnSequence } from './generation';
import { metadataNumber } from './gguf-reader';
import {
  checkArchitecture,
  firstLine,
  LlamaLog,
  loadNodeLlamaCpp,
  startLlama,
  type NodeLlamaCpp,
} from './native';
import { SequencePool } from './sequence-pool';
import { dtypeOfQuantization, validateGgufFiles } from './validate';

export interface LlamaCppLoadOptions {
  /** A .gguf file, a folder holding one, or a Hugging Face Hub repository with GGUF files. */
  model: string;
  revision: string;
  gguf: GgufChoice;
  device: Device;
  hub: HubOptions;
  /** Generations decoded together at most (one llama.cpp sequence each). */
  sequences: number;
  /** CPU threads; undefined: node-llama-cpp's choice (one per physical core). */
  threads?: number;
  /** Tokens per sequence; undefined: the model's trained context, as memory allows. */
  contextSize?: number;
  onProgress?: (progress: LoadProgress) => void;
}

interface Loaded {
  llama: Llama;
  model: LlamaModel;
  context: LlamaContext;
  chat: ChatRenderer;
  info: ModelInfo;
}

/** A GGUF model on llama.cpp (node-llama-cpp), concurrent requests in parallel sequences. */
export class LlamaCppBackend implements Backend {
  readonly info: ModelInfo;
  private readonly pool: SequencePool;
  private readonly decoder: TokenDecoder;

  private constructor(private readonly loaded: Loaded) {
    this.info = loaded.info;
    this.pool = new SequencePool(loaded.context);
    const model = loaded.model;
    this.decoder = { decode: (ids) => model.detokenize(ids as Token[], false) };
  }

  static async load(options: LlamaCppLoadOptions): Promise<LlamaCppBackend> {
    const started = performance.now();
    const source = await locate(options);
    // Before llama.cpp sees the files: a bad file is one clear line, never a native crash.
    const header = validateGgufFiles(source.parts);
    const lib = await loadNodeLlamaCpp();
    const log = new LlamaLog();
    const llama = await startLlama(lib, options.device, options.threads, log);
    try {
      await checkArchitecture(lib, llama, source.path, header);
      const loaded = await loadModel(llama, source, options);
      const label = quantizationLabel(lib, metadataNumber(header, 'general.file_type'));
      const info: ModelInfo = {
        source: options.model,
        engine: 'llamacpp',
        device: options.device,
        dtype: dtypeOfQuantization(label),
        quantization: label,
        maxPositions: Math.min(loaded.context.contextSize, loaded.model.trainContextSize),
        hasChatTemplate: loaded.chat.fromModel,
        loadSeconds: (performance.now() - started) / 1000,
      };
      return new LlamaCppBackend({ llama, ...loaded, info });
    } catch (error) {
      await llama.dispose();
      if (error instanceof DomainError) throw error;
      const detail = log.last ? ` (llama.cpp: ${log.last})` : '';
      throw new ModelLoadError(
        `could not load GGUF file "${source.path}": ${firstLine(error)}${detail}`,
      );
    }
  }

  prepare(request: GenerationRequest): TokenizedRequest {
    return fitContext(request, this.encode(request.prompt), this.info.maxPositions);
  }

  async *generate({ request, promptIds }: TokenizedRequest): AsyncIterable<GenerationEvent> {
    const lease = await this.pool.acquire(promptIds);
    try {
      yield* generateOnSequence({
        model: this.loaded.model,
        decoder: this.decoder,
        sequence: lease.sequence,
        promptIds,
        reused: lease.reused,
        request,
        contextSize: this.loaded.context.contextSize,
      });
    } finally {
      this.pool.release(lease);
    }
  }

  /** POST /tokenize: so a gateway in front of this server counts prompts before it runs them. */
  tokenize(prompt: Prompt): number[] {
    return this.encode(prompt);
  }

  status(): BackendStatus {
    const { context } = this.loaded;
    return {
      available: true,
      batchSize: this.pool.active,
      kvCacheUsage: this.pool.activeTokens / (context.contextSize * context.totalSequences),
    };
  }

  async dispose(): Promise<void> {
    const { context, model, llama } = this.loaded;
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }

  private encode(prompt: Prompt): number[] {
    const { model, chat } = this.loaded;
    if (prompt.kind === 'chat' && chat.fromModel) {
      let text: string;
      try {
        text = chat.render(prompt.messages);
      } catch (error) {
        throw new ValidationError(
          `the model's chat template refused these messages: ${firstLine(error)}`,
          'messages',
        );
      }
      // The template writes the model's special tokens (BOS among them) as text.
      return [...model.tokenize(text, true)];
    }
    const text = prompt.kind === 'text' ? prompt.text : chat.render(prompt.messages);
    const ids = [...model.tokenize(text, false)];
    const bos = model.tokens.bos;
    return model.tokens.shouldPrependBosToken && bos !== null && ids[0] !== bos
      ? [bos, ...ids]
      : ids;
  }
}

/** The GGUF file(s) `options.model` names, fetched into the cache first for a Hub repository. */
async function locate(options: LlamaCppLoadOptions): Promise<LocalGguf> {
  const local = localGguf(options.model, options.gguf);
  if (local) return local;
  if (isHubId(options.model)) return fetchHubGguf({ ...options, choice: options.gguf });
  throw new ModelLoadError(
    `model "${options.model}" does not exist; pass a .gguf file, a folder holding one, or a Hugging Face Hub repository like owner/name-GGUF`,
  );
}

async function loadModel(
  llama: Llama,
  source: LocalGguf,
  options: LlamaCppLoadOptions,
): Promise<Omit<Loaded, 'llama' | 'info'>> {
  const file = basename(source.path);
  const model = await llama.loadModel({
    modelPath: source.path,
    gpuLayers: options.device === 'cuda' ? 'auto' : 0,
    onLoadProgress: (p) => options.onProgress?.({ file, percent: p < 1 ? p * 100 : undefined }),
  });
  try {
    const context = await model.createContext({
      sequences: options.sequences,
      contextSize: options.contextSize ?? 'auto',
      ...(options.threads === undefined ? {} : { threads: options.threads }),
    });
    const chat = chatRenderer({
      gguf: model.fileInfo.metadata?.tokenizer?.chat_template,
      folder: source.folder,
      bosToken: model.tokens.bosString ?? undefined,
      eosToken: model.tokens.eosString ?? undefined,
    });
    return { model, context, chat };
  } catch (error) {
    await model.dispose();
    throw error;
  }
}

/** `general.file_type` as llama.cpp names it (Q4_K_M, F16, ...); F32 when absent. */
function quantizationLabel(lib: NodeLlamaCpp, fileType: number | undefined): string {
  if (fileType === undefined) return 'F32';
  const name = (lib.GgufFileType as unknown as Record<number, string>)[fileType];
  return name ? name.replace(/^(MOSTLY|ALL)_/, '') : `file type ${fileType}`;
}
