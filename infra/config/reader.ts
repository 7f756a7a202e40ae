import { parseQuantity } from '../lib/quantity';
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
      this.problem(
        key,
        value,
        'must be a whole number',
        `use digits only, e.g. ${fullKey(key)}: ${min}`,
      );
      return min;
    }
    if (number < min || number > max) {
      this.problem(key, value, `must be between ${min} and ${max}`, `pick a value in that range`);
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
    const near = choices.find((c) => c.toLowerCase() === text.toLowerCase());
    this.problem(
      key,
      this.value(key),
      `must be one of ${choices.join(', ')}`,
      near ? `write it as ${JSON.stringify(near)}` : `pick one of ${choices.join(', ')}`,
    );
    return choices[0];
  }

  quantity(key: ConfigKey, unit: 'cpu' | 'memory'): string {
    const text = this.string(key);
    if (parseQuantity(text) !== undefined && parseQuantity(text)! > 0) return text;
    const fix =
      unit === 'cpu'
        ? 'use cores ("2", "0.5") or millicores ("500m")'
        : 'use a size with a binary suffix, e.g. "512Mi" or "8Gi"';
    this.problem(key, this.value(key), `is not a positive Kubernetes ${unit} quantity`, fix);
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
