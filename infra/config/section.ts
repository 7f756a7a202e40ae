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
