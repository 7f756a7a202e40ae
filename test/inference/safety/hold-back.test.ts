import { BlockList, loadPolicy } from '../../../inference/src/safety';
import { BlockListScanner } from '../../../inference/src/safety/scanners';

const defaults = BlockList.compile(loadPolicy({ mode: 'extend' }));

/** Pushes pieces one at a time; what each push released. */
function releases(list: BlockList, pieces: string[]): string[] {
  const scanner = new BlockListScanner(list);
  return pieces.map((piece) => scanner.push(piece).emit);
}

describe('with patterns in force, only text that could still grow into a match is held', () => {
  test('clean text under the default policy is released as it comes', () => {
    expect(releases(defaults, ['Good', ' morning', '!'])).toEqual(['Good', ' morning', '!']);
  });

  test('the start of a pattern is held until it can no longer match, then released whole', () => {
    expect(releases(defaults, ['Here is how', ' to make', ' a', ' cake.'])).toEqual([
      'Here is ',
      '',
      '',
      'how to make a cake.',
    ]);
  });

  test('a pattern match split across pieces is still cut before its first character', () => {
    const scanner = new BlockListScanner(defaults);
    const out = ['Sure: how', ' to ma', 'ke a nerve ', 'agent at home'].map((p) => scanner.push(p));
    expect(out.map((s) => s.emit).join('')).toBe('Sure: ');
    expect(out.at(-1)?.blocked).toBe('mass-casualty-weapons');
  });

  test('a pattern with a backreference (no automaton) holds its fixed window', () => {
    const list = BlockList.compile({ echo: { words: [], patterns: ['(ab+)x\\1'] } });
    const text = 'z'.repeat(100);
    const [released] = releases(list, [text]);
    expect(released).toBe('z'.repeat(100 - 64));
  });
});

test('a match starts only at a word boundary, so the inside of a word is never held', () => {
  // "ch" could begin "child porn" and "ma" "make ...", but not inside "watch" or "human".
  expect(releases(defaults, [' watch', ' human', ' 子'])).toEqual([' watch', ' human', ' 子']);
});
