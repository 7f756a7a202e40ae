/** One message of a chat, as OpenAI and chat templates know it. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool' | 'developer';
  content: string;
}

/** A prompt is plain text (completions, Cog, Replicate) or a chat rendered by the model's template. */
export type Prompt = { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

export interface SamplingParams {
  /** Undefined fills the rest of the model's context. */
  maxNewTokens?: number;
  /** 0 means greedy. */
  temperature: number;
  /** 1 disables nucleus filtering. */
  topP: number;
  /** 0 disables top-k filtering. */
  topK: number;
  /** 1 disables the penalty (CTRL-style, as Hugging Face applies it). */
  repetitionPenalty: number;
  /** Same seed, same prompt, same parameters: same text. Undefined draws a random seed. */
  seed?: number;
  /** Generation ends before any of these; the stop text itself is never emitted. */
  stop: string[];
}

/** The one internal request every protocol turns its input into. */
export interface GenerationRequest extends SamplingParams {
  prompt: Prompt;
  signal?: AbortSignal;
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'content_filter';

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export type GenerationEvent =
  { type: 'text'; text: string } | { type: 'finish'; reason: FinishReason; usage: Usage };

export type Device = 'cpu' | 'cuda';
export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export const DEVICES: readonly Device[] = ['cpu', 'cuda'];
export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];

/** The engines a server can run; `ENGINE` picks one. */
export const ENGINES = ['onnx'] as const;
export type EngineName = (typeof ENGINES)[number];

/**
 * What an engine backend offers; the scheduler and the protocols see only this.
 *
 * Concurrency: the scheduler calls `generate` for up to `maxConcurrent` requests at once, and each
 * backend decodes concurrent generations its own way (the ONNX engine in one batched forward pass,
 * llama.cpp in parallel sequences, an upstream engine by its own scheduler). Whatever the batch,
 * each generation's events must be what the same request would give alone (greedy: the same
 * tokens; seeded: the same text), and an abort must end only that generation.
 */
export interface Backend {
  readonly info: ModelInfo;
  /**
   * Tokenizes and checks a request (chat template applied, context length); throws
   * ValidationError. Local engines answer synchronously; a remote one may ask its engine.
   */
  prepare(request: GenerationRequest): PreparedRequest | Promise<PreparedRequest>;
  /** Streams text deltas, then exactly one finish event. An abort ends it with reason `abort`. */
  generate(prepared: PreparedRequest): AsyncIterable<GenerationEvent>;
  /** Live figures for readiness and metrics; a backend without it is always available. */
  status?(): BackendStatus;
  dispose(): Promise<void>;
}

export interface PreparedRequest {
  request: GenerationRequest & { maxNewTokens: number };
  /**
   * The prompt's length in tokens, for prompt caps and usage. Undefined only when the engine
   * cannot count before it runs (an upstream without a tokenizer route).
   */
  promptTokens?: number;
}

/** A request a local engine tokenized itself. */
export interface TokenizedRequest extends PreparedRequest {
  promptIds: number[];
  promptTokens: number;
}

export interface BackendStatus {
  /** False while the engine cannot serve (an upstream that is down): readiness follows it. */
  available: boolean;
  /** Sequences decoding together in the current step. */
  batchSize?: number;
  /** Share of the KV-cache budget in use, 0..1. */
  kvCacheUsage?: number;
  /** Sequences evicted from the batch to make room, since start. */
  preemptions?: number;
}

export interface ModelInfo {
  /** The model as configured: a local folder or a Hub id. */
  source: string;
  engine: EngineName;
  device: Device;
  dtype: Dtype;
  /** Context window in tokens. */
  maxPositions: number;
  hasChatTemplate: boolean;
  loadSeconds: number;
}
