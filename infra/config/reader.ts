import { parseQuantity } from '../lib/quantity';
import { notOneOf, notQuantity, notWholeNumber, outOfRange, type ArgProblem } from '../model';
import type { ConfigProblem } from './errors';
import { CONFIG_KEYS, CONFIG_NAMESPACE, type ConfigKey, type KeySpec } from './schema';

/** Raw values as Pulumi hands them (strings; objects as JSON) or as a stack YAML file holds them. */
export type RawConfig = Record<string, unknown>;

/** Shows a value the way a user would type it back; never a secret. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === undefined) return '(not set)';
  return JSON.stringify(value);
}

/**
 * Reads typed values out of raw config, falling back to the schema's defaults, and collects a
 * problem for each bad value instead of stopping at the first.
 */
export class ConfigReader {
  readonly problems: ConfigProblem[] = [];

  constructor(private readonly raw: RawConfig) {}

  problem(key: string, value: unknown, why: string, fix: string): void {
    this.problems.push({ key: fullKey(key), value: show(value), why, fix });
  }

  /** Problems found by a shared rule (infra/model), their fields already named as full keys. */
  report(problems: readonly ArgProblem[]): void {
    for (const p of problems)
      this.problems.push({ key: p.field, value: show(p.value), why: p.why, fix: p.fix });
  }

  /** True when the key is set at all (secrets: only presence is read here). */
  has(key: ConfigKey): boolean {
    const value = this.raw[key];
    return value !== undefined && value !== null && value !== '';
  }

  value(key: ConfigKey): unknown {
    return this.raw[key] ?? (CONFIG_KEYS[key] as KeySpec).default;
  }

  string(key: ConfigKey): string {
    const value = this.value(key);
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.problem(
      key,
      value,
      'must be a string',
      `set it with pulumi config set ${fullKey(key)} <text>`,
    );
    return '';
  }

  optionalString(key: ConfigKey): string | undefined {
    const text = this.string(key);
    return text === '' ? undefined : text;
  }

  integer(key: ConfigKey, min: number, max: number): number {
    const value = this.value(key);
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    if (!Number.isInteger(number) || String(value).trim() === '') {
      const rule = notWholeNumber(`${fullKey(key)}: ${min}`);
      this.problem(key, value, rule.why, rule.fix);
      return min;
    }
    if (number < min || number > max) {
      const rule = outOfRange(min, max);
      this.problem(key, value, rule.why, rule.fix);
      return Math.min(Math.max(number, min), max);
    }
    return number;
  }

  boolean(key: ConfigKey): boolean {
    const value = this.value(key);
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem(key, value, 'must be true or false', `set ${fullKey(key)} to true or false`);
    return false;
  }

  oneOf<T extends string>(key: ConfigKey, choices: readonly T[]): T {
    const text = this.string(key);
    if ((choices as readonly string[]).includes(text)) return text as T;
    const rule = notOneOf(choices, text);
    this.problem(key, this.value(key), rule.why, rule.fix);
    return choices[0];
  }

  quantity(key: ConfigKey, unit: 'cpu' | 'memory'): string {
    const text = this.string(key);
    if (parseQuantity(text) !== undefined && parseQuantity(text)! > 0) return text;
    const rule = notQuantity(unit);
    this.problem(key, this.value(key), rule.why, rule.fix);
    return unit === 'cpu' ? '1' : '1Gi';
  }
}

export function fullKey(key: string): string {
  return `${CONFIG_NAMESPACE}:${key}`;
}

/** Edit distance, to suggest the key a typo meant. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = levenshtein(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
