import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Template } from '@huggingface/jinja';
import { ModelLoadError } from '../../errors';
import { fallbackChatPrompt } from '../chat-prompt';
import type { ChatMessage } from '../types';

/** Renders a chat into the prompt text the model was trained on. */
export interface ChatRenderer {
  /** Whether the model brought its own template (false: the plain fallback transcript). */
  readonly fromModel: boolean;
  render(messages: ChatMessage[]): string;
}

export interface TemplateSources {
  /** `tokenizer.chat_template` from the GGUF metadata. */
  gguf?: string;
  /** The folder the GGUF file is in, which may hold a tokenizer_config.json. */
  folder: string;
  bosToken?: string;
  eosToken?: string;
}

/** tokenizer_config.json's chat_template: a string, or named templates of which "default" is used. */
function tokenizerConfigTemplate(folder: string): string | undefined {
  const path = join(folder, 'tokenizer_config.json');
  if (!existsSync(path)) return undefined;
  try {
    const config = JSON.parse(readFileSync(path, 'utf8')) as { chat_template?: unknown };
    const template = config.chat_template;
    if (typeof template === 'string') return template;
    if (Array.isArray(template)) {
      const named = template as { name?: string; template?: string }[];
      return (named.find((t) => t.name === 'default') ?? named[0])?.template;
    }
    return undefined;
  } catch (error) {
    throw new ModelLoadError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The chat template from the GGUF metadata, else from a tokenizer_config.json beside the file,
 * else the plain transcript every engine falls back to. A template that does not parse is a
 * ModelLoadError at load time, not a failure on the first chat request.
 */
export function chatRenderer(sources: TemplateSources): ChatRenderer {
  const source = sources.gguf ?? tokenizerConfigTemplate(sources.folder);
  if (!source) return { fromModel: false, render: fallbackChatPrompt };
  let template: Template;
  try {
    template = new Template(source);
  } catch (error) {
    throw new ModelLoadError(
      `the model's chat template does not parse: ${(error as Error).message}`,
    );
  }
  const specials = { bos_token: sources.bosToken ?? '', eos_token: sources.eosToken ?? '' };
  return {
    fromModel: true,
    render: (messages) =>
      template.render({
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        add_generation_prompt: true,
        ...specials,
      }),
  };
}
