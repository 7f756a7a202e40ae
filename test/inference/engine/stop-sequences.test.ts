import { StopSequenceMatcher } from '../../../inference/src/engine';

/** Pushes the pieces in order; returns everything emitted and whether (and when) it stopped. */
function feed(stops: string[], pieces: string[]) {
  const matcher = new StopSequenceMatcher(stops);
  let emitted = '';
  for (const [i, piece] of pieces.entries()) {
    const { emit, stopped } = matcher.push(piece);
    emitted += emit;
    if (stopped) return { emitted, stoppedAt: i };
  }
  return { emitted: emitted + matcher.flush(), stoppedAt: -1 };
}

describe('StopSequenceMatcher', () => {
  test('without stops, text passes straight through', () => {
    const matcher = new StopSequenceMatcher([]);
    expect(matcher.push('abc')).toEqual({ emit: 'abc', stopped: false });
  });

  test('a stop inside one piece cuts the text before it', () => {
    expect(feed(['END'], ['one two END three'])).toEqual({ emitted: 'one two ', stoppedAt: 0 });
  });

  test('a stop split across pieces is caught and never emitted, not even in part', () => {
    const matcher = new StopSequenceMatcher(['\n\nUser:']);
    expect(matcher.push('Sure.\n')).toEqual({ emit: 'Sure.', stopped: false });
    expect(matcher.push('\nUs')).toEqual({ emit: '', stopped: false });
    expect(matcher.push('er: hi')).toEqual({ emit: '', stopped: true });
  });

  test('the same split into single characters', () => {
    const text = 'abc<|im_end|>def';
    expect(feed(['<|im_end|>'], [...text])).toEqual({ emitted: 'abc', stoppedAt: 12 });
  });

  test('held-back text is released once it can no longer become the stop', () => {
    const matcher = new StopSequenceMatcher(['STOP']);
    expect(matcher.push('x ST')).toEqual({ emit: 'x ', stopped: false });
    expect(matcher.push('ART')).toEqual({ emit: 'START', stopped: false });
  });

  test('a partial stop at the very end comes out of flush', () => {
    expect(feed(['STOP'], ['the end ST'])).toEqual({ emitted: 'the end ST', stoppedAt: -1 });
  });

  test('of several stops, the one that appears first in the text wins', () => {
    expect(feed(['zz', 'b'], ['a', 'b', 'zz'])).toEqual({ emitted: 'a', stoppedAt: 1 });
    expect(feed(['world', 'lo w'], ['hello', ' world'])).toEqual({ emitted: 'hel', stoppedAt: 1 });
  });

  test('overlapping prefixes hold back the longest possible start', () => {
    const matcher = new StopSequenceMatcher(['aab']);
    expect(matcher.push('xaa')).toEqual({ emit: 'x', stopped: false });
    expect(matcher.push('a')).toEqual({ emit: 'a', stopped: false });
    expect(matcher.push('b')).toEqual({ emit: '', stopped: true });
  });

  test('multi-byte stops work like any other', () => {
    expect(feed(['。\n'], ['これは', 'ペンです', '。', '\nそして'])).toEqual({
      emitted: 'これはペンです',
      stoppedAt: 3,
    });
  });

  test('an empty stop string is ignored rather than stopping at once', () => {
    expect(feed(['', 'X'], ['abc', 'dXe'])).toEqual({ emitted: 'abcd', stoppedAt: 1 });
  });
});
