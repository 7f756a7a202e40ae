import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config';

/** The block list shipped with the server; MODERATION_POLICY_FILE extends or replaces it. */
export const DEFAULT_POLICY_FILE = resolve(__dirname, 'default-policy.json');

const CATEGORY_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const categorySchema = z.strictObject({
  description: z.string().optional(),
  /** Words and phrases, matched whole (on word boundaries) after normalization. */
  words: z.array(z.string().trim().min(1)).default([]),
  /** Regular expressions (JavaScript syntax), matched whole against the normalized text. */
  patterns: z.array(z.string().min(1)).default([]),
});

const policySchema = z.strictObject({
  description: z.string().optional(),
  categories: z.record(z.string(), categorySchema),
});

export interface PolicyCategory {
  words: string[];
  patterns: string[];
}

/** Blocked categories by name; the name is what clients and metrics see. */
export type Policy = Record<string, PolicyCategory>;

export interface PolicySettings {
  /** Operator's policy file, if any. */
  policyFile?: string;
  /** `extend` adds the file's categories and terms to the defaults; `replace` uses the file alone. */
  mode: 'extend' | 'replace';
}

/** The effective policy; every problem in the files is reported at once, as a ConfigError. */
export function loadPolicy(settings: PolicySettings): Policy {
  const operator = settings.policyFile
    ? readPolicyFile(settings.policyFile, 'MODERATION_POLICY_FILE')
    : undefined;
  if (operator && settings.mode === 'replace') return operator;
  const defaults = readPolicyFile(DEFAULT_POLICY_FILE, 'default policy');
  return operator ? mergePolicies(defaults, operator) : defaults;
}

/** Union per category: the operator's terms add to the default terms of the same name. */
export function mergePolicies(base: Policy, extra: Policy): Policy {
  const merged: Policy = {};
  for (const [name, category] of Object.entries(base)) merged[name] = cloneCategory(category);
  for (const [name, category] of Object.entries(extra)) {
    const into = merged[name] ?? { words: [], patterns: [] };
    merged[name] = {
      words: [...new Set([...into.words, ...category.words])],
      patterns: [...new Set([...into.patterns, ...category.patterns])],
    };
  }
  return merged;
}

export function readPolicyFile(path: string, setting: string): Policy {
  const where = `${setting} (${JSON.stringify(path)})`;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : firstLine(error);
    throw new ConfigError([`${where}: cannot read the policy: ${reason}`]);
  }
  return parsePolicy(raw, where);
}

/** Checks a policy object; `where` prefixes each problem (e.g. the setting and the file). */
export function parsePolicy(raw: unknown, where: string): Policy {
  const parsed = policySchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${where}: ${pathOf(issue.path)}: ${issue.message}`),
    );
  }
  const problems: string[] = [];
  const policy: Policy = {};
  for (const [name, category] of Object.entries(parsed.data.categories)) {
    if (!CATEGORY_NAME.test(name)) {
      problems.push(
        `${where}: categories.${name}: a category name is 1-64 lowercase letters, digits, - and _ (it becomes a metric label)`,
      );
    }
    category.patterns.forEach((pattern, i) => {
      const problem = patternProblem(pattern);
      if (problem)
        problems.push(
          `${where}: categories.${name}.patterns[${i}] ${JSON.stringify(pattern)}: ${problem}`,
        );
    });
    policy[name] = { words: category.words, patterns: category.patterns };
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return policy;
}

function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern, 'iu');
  } catch (error) {
    return `${firstLine(error)}; write a JavaScript regular expression (flags i and u are implied)`;
  }
  if (new RegExp(`^(?:${pattern})$`, 'iu').test('')) {
    return 'matches empty text, so it would block everything; make it require at least one character';
  }
  return undefined;
}

function cloneCategory(category: PolicyCategory): PolicyCategory {
  return { words: [...category.words], patterns: [...category.patterns] };
}

function pathOf(path: PropertyKey[]): string {
  return (
    path
      .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
      .join('')
      .replace(/^\./, '') || 'policy'
  );
}

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0];
}
