import { IncrementalDetokenizer } from '../../../inference/src/engine';
import { loadTokenizer, type TestTokenizer } from '../../helpers/engine';

let tokenizer: TestTokenizer;
beforeAll(async () => (tokenizer = await loadTokenizer()));

/** Feeds ids one by one, as the decode loop does; returns every delta (empty ones included). */
function stream(ids: number[]): { deltas: string[]; flushed: string } {
  const detokenizer = new IncrementalDetokenizer({
    decode: (window, options) => tokenizer.decode(window, options),
  });
  const deltas = ids.map((id) => detokenizer.push(id));
  return { deltas, flushed: detokenizer.flush() };
}

// GPT-2's byte-level BPE splits these characters' UTF-8 bytes across tokens.
const SPLIT_CHARACTERS = [
  ['an emoji', 'Limpia con lejía 🧺 y sal 😀!'],
  ['CJK', '日本語のテキストと中文'],
  ['a ZWJ sequence', 'family: 👩‍👩‍👧 ok'],
  ['Devanagari', 'नमस्ते दुनिया'],
];

describe('IncrementalDetokenizer', () => {
  test.each(SPLIT_CHARACTERS)(
    'never emits half a character (%s), and the deltas add up to the text',
    (_, text) => {
      const ids = tokenizer.encode(text);
      const pieces = ids.map((id) => tokenizer.decode([id]));
      expect(pieces.some((p) => p.includes('\uFFFD'))).toBe(true); // the split really happens
      const { deltas, flushed } = stream(ids);
      expect(deltas.join('') + flushed).toBe(text);
      expect(flushed).toBe('');
      for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
    },
  );

  test('emits each complete character as soon as its last byte arrives', () => {
    const ids = tokenizer.encode('😀x');
    expect(ids.length).toBeGreaterThanOrEqual(3);
    const { deltas } = stream(ids);
    expect(deltas.slice(0, -2).every((d) => d === '')).toBe(true);
    expect(deltas.at(-2)).toBe('😀');
    expect(deltas.at(-1)).toBe('x');
  });

  test('a character still incomplete at the end comes out of flush as the decoder renders it', () => {
    const ids = tokenizer.encode('ok 😀').slice(0, -1);
    const { deltas, flushed } = stream(ids);
    expect(deltas.join('')).toBe('ok');
    expect(deltas.join('') + flushed).toBe(tokenizer.decode(ids));
    expect(flushed).toContain('\uFFFD');
  });

  test('a stray byte that can never complete is emitted once text follows it', () => {
    const emojiStart = tokenizer.encode('😀')[0];
    const ids = [...tokenizer.encode('a'), emojiStart, ...tokenizer.encode(' b c')];
    const { deltas, flushed } = stream(ids);
    expect(deltas.join('') + flushed).toBe(tokenizer.decode(ids));
  });

  test('special tokens are skipped', () => {
    const eos = tokenizer.encode('<|endoftext|>');
    expect(eos).toEqual([50256]);
    const { deltas, flushed } = stream([
      ...tokenizer.encode('a'),
      ...eos,
      ...tokenizer.encode('b'),
    ]);
    expect(deltas.join('') + flushed).toBe('ab');
  });

  test('long output costs the same per token: the decoded window does not grow', () => {
    const longestWindow = (text: string) => {
      const windows: number[] = [];
      const detokenizer = new IncrementalDetokenizer({
        decode: (ids, options) => {
          windows.push(ids.length);
          return tokenizer.decode(ids, options);
        },
      });
      const ids = tokenizer.encode(text);
      let streamed = '';
      for (const id of ids) streamed += detokenizer.push(id);
      expect(streamed + detokenizer.flush()).toBe(text);
      return Math.max(...windows);
    };
    const short = longestWindow('word '.repeat(10) + '日本語の🧺'.repeat(2));
    expect(short).toBeLessThanOrEqual(8);
    expect(longestWindow('word '.repeat(500) + '日本語の🧺'.repeat(100))).toBe(short);
  });
});
