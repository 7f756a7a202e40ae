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

/** What an engine backend offers; the scheduler and the protocols see only this. */
export interface Backend {
  readonly info: ModelInfo;
  /**
   * Tokenizes and checks a request (chat template applied, context length); throws
   * ValidationError. Cheap and synchronous, so callers can reject before they answer.
   */
  prepare(request: GenerationRequest): PreparedRequest;
  /** Streams text deltas, then exactly one finish event. An abort ends it with reason `abort`. */
  generate(prepared: PreparedRequest): AsyncIterable<GenerationEvent>;
  dispose(): Promise<void>;
}

export interface PreparedRequest {
  request: GenerationRequest & { maxNewTokens: number };
  promptIds: number[];
}

export interface ModelInfo {
  /** The model as configured: a local folder or a Hub id. */
  source: string;
  device: Device;
  dtype: Dtype;
  /** Context window in tokens. */
  maxPositions: number;
  hasChatTemplate: boolean;
  loadSeconds: number;
}
