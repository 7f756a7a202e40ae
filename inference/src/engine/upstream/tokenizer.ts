import { EngineFailed, ValidationError } from '../../errors';
import type { ChatMessage } from '../types';
import type { UpstreamClient } from './client';

/** What is sent upstream: text for /v1/completions, or a chat the engine renders itself. */
export type UpstreamPrompt =
  { kind: 'text'; text: string } | { kind: 'chat'; messages: ChatMessage[] };

/** The two tokenizer routes we know, by whose shape they take. */
export type TokenizerDialect = 'vllm' | 'llama.cpp';

export interface UpstreamTokenizer {
  readonly dialect: TokenizerDialect;
  /** False when the engine has no chat template (vLLM then refuses chats): we render them. */
  readonly chatTemplate: boolean;
  /** The context window, where the engine says. */
  readonly contextLength?: number;
  tokenize(prompt: UpstreamPrompt, signal?: AbortSignal): Promise<number[]>;
}

/**
 * Finds the engine's tokenizer route by asking it: vLLM's POST /tokenize takes `prompt` or
 * `messages` and answers {count, max_model_len, tokens}; llama.cpp's server takes `content` and
 * answers {tokens}, with /apply-template for chats and the context in GET /props. Undefined when
 * neither answers (TGI, SGLang without one): prompts then pass through uncounted.
 */
export async function detectTokenizer(
  client: UpstreamClient,
  model: string,
): Promise<UpstreamTokenizer | undefined> {
  const vllm = await client.probe('POST', '/tokenize', { model, prompt: 'Hello' });
  const vllmBody = vllm.body as { count?: unknown; tokens?: unknown; max_model_len?: unknown };
  if (vllm.status === 200 && typeof vllmBody?.count === 'number') {
    return {
      dialect: 'vllm',
      chatTemplate: await rendersChats(client, model),
      contextLength: positive(vllmBody.max_model_len),
      tokenize: (prompt, signal) => vllmTokenize(client, model, prompt, signal),
    };
  }
  const llama = await client.probe('POST', '/tokenize', { content: 'Hello' });
  if (llama.status === 200 && Array.isArray((llama.body as { tokens?: unknown })?.tokens)) {
    const props = await client.probe('GET', '/props');
    const settings = (props.body as { default_generation_settings?: { n_ctx?: unknown } })
      ?.default_generation_settings;
    return {
      dialect: 'llama.cpp',
      // llama.cpp's server always has a template (the model's, or its built-in default).
      chatTemplate: true,
      contextLength: props.status === 200 ? positive(settings?.n_ctx) : undefined,
      tokenize: (prompt, signal) => llamaTokenize(client, prompt, signal),
    };
  }
  return undefined;
}

/**
 * vLLM refuses to tokenize (and to serve) a chat when the model has no chat template; it says so
 * with a 400 (an error of its own, in some versions). Only an engine gone away is no answer.
 */
async function rendersChats(client: UpstreamClient, model: string): Promise<boolean> {
  try {
    await client.call('/tokenize', { model, messages: [{ role: 'user', content: 'Hello' }] });
    return true;
  } catch (error) {
    if (error instanceof ValidationError || error instanceof EngineFailed) return false;
    throw error;
  }
}

async function vllmTokenize(
  client: UpstreamClient,
  model: string,
  prompt: UpstreamPrompt,
  signal?: AbortSignal,
): Promise<number[]> {
  const body =
    prompt.kind === 'text'
      ? { model, prompt: prompt.text }
      : { model, messages: prompt.messages, add_generation_prompt: true };
  return tokensOf(await client.call('/tokenize', body, signal));
}

async function llamaTokenize(
  client: UpstreamClient,
  prompt: UpstreamPrompt,
  signal?: AbortSignal,
): Promise<number[]> {
  if (prompt.kind === 'text')
    return tokensOf(
      await client.call('/tokenize', { content: prompt.text, add_special: true }, signal),
    );
  const rendered = (await client.call(
    '/apply-template',
    { messages: prompt.messages },
    signal,
  )) as {
    prompt?: unknown;
  };
  if (typeof rendered?.prompt !== 'string') throw malformed('/apply-template');
  // The template holds the special tokens already.
  return tokensOf(await client.call('/tokenize', { content: rendered.prompt }, signal));
}

function tokensOf(body: unknown): number[] {
  const tokens = (body as { tokens?: unknown } | undefined)?.tokens;
  if (!Array.isArray(tokens)) throw malformed('/tokenize');
  return tokens.map((t) => (typeof t === 'number' ? t : Number((t as { id?: unknown }).id)));
}

function malformed(route: string): EngineFailed {
  return new EngineFailed(`the inference engine's ${route} answer holds no tokens`);
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}
