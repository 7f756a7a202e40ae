import OpenAI from 'openai';
import { startTestServer } from './server';

/**
 * The tiny model is random, so a test that needs the model to say a given word first asks what it
 * says: greedy decoding repeats itself, so the word comes back for the same prompt and settings.
 */
export const GREEDY = { max_tokens: 24, temperature: 0, repetition_penalty: 1.5 } as const;
const CANDIDATE_PROMPTS = [
  'Write a poem',
  'Tell me a story about a dragon',
  'The weather today is',
];

export interface GeneratedWord {
  prompt: string;
  /** The unmoderated completion of `prompt` with GREEDY settings. */
  text: string;
  /** A word of letters in `text`, not in `prompt`, after some other text. */
  word: string;
  /** Where `word` first occurs whole in `text`. */
  cutAt: number;
}

/** Matches `word` whole, as the block list does (not inside another word). */
export function wholeWord(word: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}\\p{M}])${word}(?![\\p{L}\\p{N}\\p{M}])`, 'iu');
}

/** A greedy completion through OpenAI's SDK (repetition_penalty is our vLLM-style extension). */
export async function completeGreedily(client: OpenAI, prompt: string): Promise<OpenAI.Completion> {
  return (await client.completions.create({
    model: 'tiny',
    prompt,
    ...GREEDY,
  } as OpenAI.CompletionCreateParamsNonStreaming)) as OpenAI.Completion;
}

/** Runs the tiny model with moderation off and picks a word it generates. */
export async function findGeneratedWord(): Promise<GeneratedWord> {
  const server = await startTestServer({ MODERATION: 'off' });
  try {
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: 'unused', maxRetries: 0 });
    for (const prompt of CANDIDATE_PROMPTS) {
      const text = (await completeGreedily(client, prompt)).choices[0].text;
      const picked = pickWord(prompt, text);
      if (picked) return { prompt, text, ...picked };
    }
  } finally {
    await server.close();
  }
  throw new Error('the tiny model generated no usable word for any candidate prompt');
}

function pickWord(prompt: string, text: string) {
  for (const word of new Set(text.split(/[^\p{L}]+/u))) {
    if (word.length < 4 || word.length > 12 || wholeWord(word).test(prompt)) continue;
    const cutAt = text.search(wholeWord(word));
    if (cutAt > 0 && text.slice(0, cutAt).trim().length > 0) return { word, cutAt };
  }
  return undefined;
}
