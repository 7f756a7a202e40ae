import type { ChatMessage } from './types';

/**
 * For models whose tokenizer has no chat template (GPT-2 and other base models): a plain transcript
 * that ends where the assistant's turn begins.
 */
export function fallbackChatPrompt(messages: ChatMessage[]): string {
  const label = (role: ChatMessage['role']) => role[0].toUpperCase() + role.slice(1);
  return messages.map((m) => `${label(m.role)}: ${m.content}\n`).join('') + 'Assistant:';
}
