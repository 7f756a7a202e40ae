import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError } from '../../../inference/src/errors';
import {
  checkBlockingLabels,
  chunkText,
  ClassifierFilter,
  loadTextClassifier,
  type LoadedClassifier,
} from '../../../inference/src/safety/classifier';
import { writeTinyClassifier } from '../../helpers/tiny-classifier';

let dir: string;
let loaded: LoadedClassifier;
const hub = { endpoint: 'http://127.0.0.1:9', cacheDir: '', offline: true };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'classifier-'));
  writeTinyClassifier(
    dir,
    ['hello', 'friend', 'you', 'are', 'a', 'kind', 'person'],
    ['villain', 'rotten'],
  );
  loaded = await loadTextClassifier({
    source: dir,
    revision: 'main',
    hub: { ...hub, cacheDir: dir },
  });
});
afterAll(async () => {
  await loaded?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('a text-classification model through transformers.js', () => {
  it('scores every label of every text with the model', async () => {
    const [clean, toxic] = await loaded.classify(['Hello friend', 'you rotten villain']);
    const score = (scores: { label: string; score: number }[], label: string) =>
      scores.find((s) => s.label === label)?.score ?? NaN;
    expect(loaded.labels).toEqual(['safe', 'toxic']);
    expect(score(clean, 'toxic')).toBeCloseTo(1 / (1 + Math.exp(2)), 5);
    expect(score(toxic, 'toxic')).toBeCloseTo(1 / (1 + Math.exp(-6)), 5);
    expect(score(clean, 'safe') + score(clean, 'toxic')).toBeCloseTo(1, 5);
  });

  it('blocks on a blocking label at or above the threshold only', async () => {
    const filter = new ClassifierFilter(loaded.classify, {
      threshold: 0.8,
      blockingLabels: ['toxic'],
    });
    expect(await filter.check('you are a kind person')).toBeUndefined();
    expect(await filter.check('you are a VILLAIN')).toBe('toxic');
    const lenient = new ClassifierFilter(loaded.classify, {
      threshold: 0.95,
      blockingLabels: ['toxic'],
    });
    expect(await lenient.check('you are a villain')).toBeUndefined();
    expect(await lenient.check('you rotten villain')).toBe('toxic');
    const other = new ClassifierFilter(loaded.classify, {
      threshold: 0.5,
      blockingLabels: ['safe'],
    });
    expect(await other.check('you are a villain')).toBeUndefined();
  });

  it('reads a long text in chunks, so a word far from the start still counts', async () => {
    const long = `${'hello friend '.repeat(300)}villain`;
    expect(chunkText(long).length).toBeGreaterThan(1);
    const filter = new ClassifierFilter(loaded.classify, {
      threshold: 0.8,
      blockingLabels: ['toxic'],
    });
    expect(await filter.check(long)).toBe('toxic');
  });

  it('names the labels when a blocking label is not the model’s', () => {
    expect(() => checkBlockingLabels('org/model', loaded.labels, ['toxic', 'hate'])).toThrow(
      new ModelLoadError(
        'MODERATION_MODEL_LABELS names "hate", which the moderation model "org/model" does not have; its labels: safe, toxic',
      ),
    );
  });
});
