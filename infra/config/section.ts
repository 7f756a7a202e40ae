import type { ConfigProblem } from './errors';
import { closest, fullKey, show } from './reader';

/**
 * Reads one object-valued section (`llm-deploy:onprem`): fields by dotted path, unknown fields
 * reported with the field they probably meant.
 */
export class SectionReader {
  readonly problems: ConfigProblem[] = [];
  readonly object: Record<string, unknown>;

  constructor(
    private readonly section: string,
    raw: unknown,
  ) {
    this.object = toObject(raw) ?? {};
    if (raw !== undefined && toObject(raw) === undefined) {
      this.problem(
        '',
        raw,
        'must be an object of fields',
        `write it as a YAML map under ${fullKey(section)}`,
      );
    }
  }

  problem(field: string, value: unknown, why: string, fix: string): void {
    const key = field ? `${fullKey(this.section)}.${field}` : fullKey(this.section);
    this.problems.push({ key, value: show(value), why, fix });
  }

  /** Flags fields this section does not know (typos), suggesting the closest known one. */
  rejectUnknown(known: readonly string[]): void {
    for (const field of Object.keys(this.object)) {
      if (known.includes(field)) continue;
      const near = closest(field, known);
      this.problem(
        field,
        this.object[field],
        'is not a field of this section',
        near ? `did you mean ${near}?` : `use one of ${known.join(', ')}`,
      );
    }
  }

  optionalString(
    field: string,
    from: Record<string, unknown> = this.object,
    path = field,
  ): string | undefined {
    const value = from[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (typeof value === 'string') return value.trim();
    this.problem(path, value, 'must be a string', 'quote the value');
    return undefined;
  }

  /** Like rejectUnknown, for a nested object at `prefix` (e.g. `gpuNodes`). */
  rejectUnknownIn(object: Record<string, unknown>, known: readonly string[], prefix: string): void {
    for (const field of Object.keys(object)) {
      if (known.includes(field)) continue;
      const near = closest(field, known);
      this.problem(
        `${prefix}.${field}`,
        object[field],
        'is not a field of this section',
        near ? `did you mean ${prefix}.${near}?` : `use one of ${known.join(', ')}`,
      );
    }
  }

  /** A nested map (`systemNodes`); undefined when unset, a problem when not a map. */
  nested(field: string, from: Record<string, unknown> = this.object, path = field) {
    const value = from[field];
    if (value === undefined || value === null) return undefined;
    const object = toObject(value);
    if (!object)
      this.problem(path, value, 'must be a map of fields', `write ${path} as a YAML map`);
    return object;
  }

  optionalNumber(
    field: string,
    rule: { integer?: boolean; min: number; max?: number },
    from: Record<string, unknown> = this.object,
    path = field,
  ): number | undefined {
    const value = from[field];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'number' ? value : Number(String(value).trim());
    const max = rule.max ?? Number.MAX_SAFE_INTEGER;
    if (!Number.isFinite(number) || (rule.integer && !Number.isInteger(number))) {
      this.problem(
        path,
        value,
        `must be a ${rule.integer ? 'whole ' : ''}number`,
        `e.g. ${rule.min}`,
      );
      return undefined;
    }
    if (number < rule.min || number > max) {
      const range =
        rule.max === undefined ? `${rule.min} or more` : `between ${rule.min} and ${max}`;
      this.problem(path, value, `must be ${range}`, 'pick a value in that range');
      return undefined;
    }
    return number;
  }

  optionalBoolean(
    field: string,
    from: Record<string, unknown> = this.object,
    path = field,
  ): boolean | undefined {
    const value = from[field];
    if (value === undefined || value === null || value === '') return undefined;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    this.problem(path, value, 'must be true or false', `set ${path} to true or false`);
    return undefined;
  }

  optionalOneOf<T extends string>(
    field: string,
    choices: readonly T[],
    from: Record<string, unknown> = this.object,
    path = field,
  ): T | undefined {
    const text = this.optionalString(field, from, path);
    if (text === undefined || (choices as readonly string[]).includes(text)) return text as T;
    this.problem(
      path,
      text,
      `must be one of ${choices.join(', ')}`,
      `pick one of ${choices.join(', ')}`,
    );
    return undefined;
  }

  /** A list of strings (a YAML list, or one comma-separated string). */
  optionalStringList(
    field: string,
    from: Record<string, unknown> = this.object,
    path = field,
  ): string[] | undefined {
    const value = from[field];
    if (value === undefined || value === null) return undefined;
    const list = typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;
    if (!Array.isArray(list) || list.some((v) => typeof v !== 'string' || v.trim() === '')) {
      this.problem(
        path,
        value,
        'must be a list of strings',
        `write ${path} as a YAML list, e.g. [a, b]`,
      );
      return undefined;
    }
    return list.map((v: string) => v.trim());
  }

  stringMap(field: string, fallback: Record<string, string>): Record<string, string> {
    const value = this.object[field];
    if (value === undefined) return fallback;
    const object = toObject(value);
    if (!object || Object.values(object).some((v) => typeof v !== 'string')) {
      this.problem(
        field,
        value,
        'must be a map of strings',
        'quote every value, e.g. { "nvidia.com/gpu.present": "true" }',
      );
      return fallback;
    }
    return object as Record<string, string>;
  }
}

/** Pulumi hands object config as JSON text; a stack YAML file holds it as a map. */
export function toObject(raw: unknown): Record<string, unknown> | undefined {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
