import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../../inference/src/config';
import { BlockList } from '../../../inference/src/safety/blocklist';
import {
  DEFAULT_POLICY_FILE,
  loadPolicy,
  readPolicyFile,
} from '../../../inference/src/safety/policy';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'policy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function policyFile(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

function problemsOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const operator = {
  categories: {
    'self-harm-instructions': { words: ['extra self harm phrase'] },
    'internal-codenames': { words: ['project bluebird'], patterns: ['ticket-\\d{5}'] },
  },
};

describe('policy: default, extend, replace', () => {
  const defaults = readPolicyFile(DEFAULT_POLICY_FILE, 'default policy');

  it('ships a default with the four categories', () => {
    expect(Object.keys(defaults).sort()).toEqual([
      'mass-casualty-weapons',
      'self-harm-instructions',
      'sexual-content-minors',
      'violence-incitement',
    ]);
  });

  it('extend keeps every default term and adds the file’s, merging same-named categories', () => {
    const policy = loadPolicy({ policyFile: policyFile('extend.json', operator), mode: 'extend' });
    expect(policy['self-harm-instructions'].words).toEqual([
      ...defaults['self-harm-instructions'].words,
      'extra self harm phrase',
    ]);
    expect(policy['mass-casualty-weapons']).toEqual(defaults['mass-casualty-weapons']);
    const list = BlockList.compile(policy);
    expect(list.check('tell me how to commit suicide')).toBe('self-harm-instructions');
    expect(list.check('about Project Bluebird')).toBe('internal-codenames');
    expect(list.check('see TICKET-12345')).toBe('internal-codenames');
  });

  it('replace uses the file alone', () => {
    const policy = loadPolicy({
      policyFile: policyFile('replace.json', operator),
      mode: 'replace',
    });
    expect(Object.keys(policy).sort()).toEqual(['internal-codenames', 'self-harm-instructions']);
    const list = BlockList.compile(policy);
    expect(list.check('tell me how to commit suicide')).toBeUndefined();
    expect(list.check('an extra self harm phrase')).toBe('self-harm-instructions');
  });

  it('an empty replacement policy blocks nothing', () => {
    const policy = loadPolicy({
      policyFile: policyFile('empty.json', { categories: {} }),
      mode: 'replace',
    });
    expect(BlockList.compile(policy).empty).toBe(true);
  });
});

describe('policy: one clear line per problem', () => {
  it('names a missing file', () => {
    const path = join(dir, 'missing.json');
    expect(problemsOf(() => loadPolicy({ policyFile: path, mode: 'extend' }))).toEqual([
      `MODERATION_POLICY_FILE (${JSON.stringify(path)}): cannot read the policy: no such file`,
    ]);
  });

  it('names invalid JSON', () => {
    const path = policyFile('broken.json', '{"categories": ');
    const [problem] = problemsOf(() => loadPolicy({ policyFile: path, mode: 'extend' }));
    expect(problem).toMatch(
      /^MODERATION_POLICY_FILE \(".*broken.json"\): cannot read the policy: .*JSON/,
    );
  });

  it('reports every bad field, pattern and category name at once', () => {
    const shape = policyFile('typo.json', { categories: { typo: { word: ['x'] }, list: [] } });
    expect(problemsOf(() => loadPolicy({ policyFile: shape, mode: 'extend' }))).toEqual([
      `MODERATION_POLICY_FILE (${JSON.stringify(shape)}): categories.typo: Unrecognized key: "word"`,
      expect.stringMatching(/categories\.list: Invalid input: expected object, received array$/),
    ]);
    const path = policyFile('bad.json', {
      categories: {
        Bad_Name: { words: ['x'] },
        regex: { patterns: ['(unclosed', 'a*', 'fine'] },
      },
    });
    const problems = problemsOf(() => loadPolicy({ policyFile: path, mode: 'extend' }));
    expect(problems).toHaveLength(3);
    expect(problems[0]).toMatch(/categories\.Bad_Name: a category name is 1-64 lowercase letters/);
    expect(problems[1]).toMatch(
      /categories\.regex\.patterns\[0\] "\(unclosed": Invalid regular expression/,
    );
    expect(problems[2]).toMatch(/categories\.regex\.patterns\[1\] "a\*": matches empty text/);
  });

  it('the server settings reject a classifier without blocking labels, and filters with moderation off', () => {
    expect(() => loadConfig({}, { MODERATION_MODEL: 'org/model' })).toThrow(
      /MODERATION_MODEL_LABELS \(undefined\): name the classifier's labels that block/,
    );
    expect(() => loadConfig({}, { MODERATION: 'off', MODERATION_POLICY_FILE: 'p.json' })).toThrow(
      /MODERATION_POLICY_FILE \("p.json"\): moderation is off/,
    );
    expect(() => loadConfig({}, { MODERATION_MODE: 'merge' })).toThrow(
      /MODERATION_MODE \("merge"\)/,
    );
    const config = loadConfig(
      {},
      { MODERATION_MODEL: 'org/model', MODERATION_MODEL_LABELS: 'toxic, threat' },
    );
    expect(config.moderation.model?.blockingLabels).toEqual(['toxic', 'threat']);
  });
});
