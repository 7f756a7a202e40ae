import { BlockList } from '../../../inference/src/safety/blocklist';
import { ClassifierFilter } from '../../../inference/src/safety/classifier';
import {
  BlockListScanner,
  ClassifierScanner,
  ScannerChain,
  type OutputScanner,
  type ScanStep,
} from '../../../inference/src/safety/scanners';

const list = BlockList.compile({ profanity: { words: ['ass', 'kill myself'], patterns: [] } });

/** Feeds pieces one by one, then ends; returns what came out and the block, if any. */
async function stream(scanner: OutputScanner, pieces: string[]) {
  let out = '';
  const steps: ScanStep[] = [];
  for (const piece of pieces) {
    const step = await scanner.push(piece);
    steps.push(step);
    out += step.emit;
    if (step.blocked) return { out, blocked: step.blocked, steps };
  }
  const end = await scanner.end();
  return { out: out + end.emit, blocked: end.blocked, steps };
}

describe('BlockListScanner: streamed output', () => {
  it('lets clean text through whole, holding back at most the window', async () => {
    const pieces = ['The classic ', 'assistant ', 'passes every ', 'assessment', '.'];
    const { out, blocked, steps } = await stream(new BlockListScanner(list), pieces);
    expect(blocked).toBeUndefined();
    expect(out).toBe(pieces.join(''));
    let seen = '';
    let released = '';
    for (const [i, step] of steps.entries()) {
      seen += pieces[i];
      released += step.emit;
      expect(seen.length - released.length).toBeLessThanOrEqual(list.window);
    }
  });

  it('cuts before a match split across pieces; nothing of the match is emitted', async () => {
    const { out, blocked } = await stream(new BlockListScanner(list), [
      'Then I will ki',
      'll my',
      'self today',
    ]);
    expect(blocked).toBe('profanity');
    expect(out).toBe('Then I will ');
  });

  it('decides on a word at the very end only when the output ends', async () => {
    const short = BlockList.compile({ profanity: { words: ['ass'], patterns: [] } });
    const scanner = new BlockListScanner(short);
    expect(await scanner.push('what an ass')).toEqual({ emit: 'what an ' });
    expect(await scanner.push('et')).toEqual({ emit: 'as' });
    expect(await scanner.end()).toEqual({ emit: 'set' });
    const ending = new BlockListScanner(short);
    await ending.push('what an ass');
    expect(await ending.end()).toEqual({ emit: '', blocked: 'profanity' });
  });

  it('still cuts exactly after thousands of characters were released and forgotten', async () => {
    const clean = Array.from({ length: 600 }, (_, i) => `wörd${i} `);
    const { out, blocked } = await stream(new BlockListScanner(list), [
      ...clean,
      'and then I kill',
      ' my',
      'self',
    ]);
    expect(blocked).toBe('profanity');
    expect(out).toBe(`${clean.join('')}and then I `);
  });

  it('cuts at the right place in the original text when normalization changed its length', async () => {
    const { out, blocked } = await stream(new BlockListScanner(list), [
      'Ｏｋ  ﬁne\u200B… ',
      'Ａ\u200Bss!',
    ]);
    expect(blocked).toBe('profanity');
    expect(out).toBe('Ｏｋ  ﬁne\u200B… ');
  });
});

describe('ClassifierScanner: sentence by sentence', () => {
  const judged: string[] = [];
  const filter = new ClassifierFilter(
    async (texts) => {
      judged.push(...texts);
      return texts.map((t) => [
        { label: 'toxic', score: /\bawful\b/i.test(t) ? 0.9 : 0.1 },
        { label: 'neutral', score: 0.5 },
      ]);
    },
    { threshold: 0.5, blockingLabels: ['toxic'] },
  );

  it('releases a sentence once it is judged clean and withholds the blocked one', async () => {
    judged.length = 0;
    const scanner = new ClassifierScanner(filter);
    expect(await scanner.push('Hello there')).toEqual({ emit: '' });
    expect(await scanner.push('. This is')).toEqual({ emit: 'Hello there. ' });
    expect(await scanner.push(' awful. More')).toEqual({ emit: '', blocked: 'toxic' });
    expect(judged).toEqual(['Hello there.', 'Hello there. This is awful.']); // trimmed
  });

  it('judges what is left when the output ends', async () => {
    const scanner = new ClassifierScanner(filter);
    await scanner.push('no punctuation at all');
    expect(await scanner.end()).toEqual({ emit: 'no punctuation at all' });
  });
});

describe('ScannerChain', () => {
  it('feeds what the block list releases to the classifier; the earlier block wins', async () => {
    const classifier = new ClassifierFilter(
      async (texts) => texts.map((t) => [{ label: 'toxic', score: t.includes('awful') ? 1 : 0 }]),
      { threshold: 0.5, blockingLabels: ['toxic'] },
    );
    const clean = new ScannerChain([new BlockListScanner(list), new ClassifierScanner(classifier)]);
    let out = '';
    for (const piece of ['Fine. ', 'Still fine. ', 'Then ass'])
      out += (await clean.step(piece, false)).emit;
    const end = await clean.step('', true);
    expect(out + end.emit).toBe('Fine. Still fine. Then ');
    expect(end.blocked).toBe('profanity');

    const early = new ScannerChain([new BlockListScanner(list), new ClassifierScanner(classifier)]);
    const step = await early.step('This is awful and then ass!', false);
    expect(step).toEqual({ emit: '', blocked: 'toxic' });
  });
});
