import type { z } from 'zod';
import { ValidationError, type ValidationIssue } from '../errors';

type Path = (string | number)[];

/** One zod issue, flattened: unions resolved to the branch the value was meant for. */
interface Problem {
  path: Path;
  code: string;
  message: string;
  expected?: string;
  origin?: string;
  limit?: number | bigint;
  inclusive?: boolean;
  values?: readonly unknown[];
}

export interface ParseTarget {
  /** Where the value sits in the request, for FastAPI-style locations: ['body'], ['body', 'input']. */
  loc: Path;
  /** The human name of a field in the message, e.g. `input.max_new_tokens`, `messages[0].content`. */
  name: (path: Path) => string;
  /** OpenAI's `param` for a field. */
  param: (path: Path) => string;
}

/**
 * Parses `value` with `schema`; on failure throws a ValidationError whose message names the first
 * problem and whose `issues` list every problem located as FastAPI does (what Cog's clients read).
 */
export function parseWith<T extends z.ZodType>(
  schema: T,
  value: unknown,
  target: ParseTarget,
): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => resolve(issue, []));
  const first = problems[0];
  for (const problem of problems)
    if (problem.expected === 'number' && isIntegerAt(schema, problem.path))
      problem.expected = 'int';
  const issues = problems.map((p) => toValidationIssue(p, value, target.loc));
  throw new ValidationError(
    `${target.name(first.path)}: ${first.message}`,
    target.param(first.path),
    issues,
  );
}

/**
 * A union names no reason ("Invalid input"); the useful one is inside the branch whose type the
 * value had (a list of 20 stop strings fails the list branch on its length, not the string branch).
 */
function resolve(issue: z.core.$ZodIssue, base: Path): Problem {
  const path = [...base, ...issue.path.map(pathKey)];
  if (issue.code === 'invalid_union') {
    for (const branch of issue.errors) {
      const first = branch[0];
      if (first && !(first.code === 'invalid_type' && first.path.length === 0))
        return resolve(first, path);
    }
    const expected = issue.errors
      .map((branch) => (branch[0]?.code === 'invalid_type' ? branch[0].expected : undefined))
      .filter((e): e is NonNullable<typeof e> => e !== undefined);
    const types = [...new Set(expected)].join(' or ');
    return {
      path,
      code: 'invalid_type',
      expected: types,
      message: `Invalid input: expected ${types}`,
    };
  }
  return {
    path,
    code: issue.code,
    message: issue.message,
    expected: 'expected' in issue ? String(issue.expected) : undefined,
    origin: 'origin' in issue ? String(issue.origin) : undefined,
    limit:
      issue.code === 'too_big'
        ? issue.maximum
        : issue.code === 'too_small'
          ? issue.minimum
          : undefined,
    inclusive: 'inclusive' in issue ? issue.inclusive : undefined,
    values: issue.code === 'invalid_value' ? issue.values : undefined,
  };
}

interface SchemaDef {
  type: string;
  format?: string;
  shape?: Record<string, { _zod: { def: SchemaDef } }>;
  innerType?: { _zod: { def: SchemaDef } };
}

/** zod reports a string given for an int as "expected number"; the schema knows it is an int. */
function isIntegerAt(schema: z.ZodType, path: Path): boolean {
  let def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  for (const key of [...path, undefined]) {
    while (def.innerType) def = def.innerType._zod.def; // optional, default, nullable
    if (key === undefined) break;
    const next = def.shape?.[String(key)];
    if (!next) return false;
    def = next._zod.def;
  }
  return def.format === 'safeint' || def.format === 'int32';
}

function pathKey(key: PropertyKey): string | number {
  return typeof key === 'number' ? key : String(key);
}

function valueAt(value: unknown, path: Path): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** pydantic v2's type and message for a problem, as FastAPI's 422 carries them. */
function toValidationIssue(problem: Problem, value: unknown, loc: Path): ValidationIssue {
  const at = [...loc, ...problem.path];
  const { code, limit, inclusive, origin } = problem;
  if (code === 'invalid_type' && valueAt(value, problem.path) === undefined)
    return { loc: at, msg: 'Field required', type: 'missing' };
  if (code === 'invalid_type') return { loc: at, ...typeMismatch(problem.expected ?? '') };
  const sized = origin === 'string' ? 'String' : origin === 'array' ? 'List' : undefined;
  const unit = origin === 'string' ? 'character' : 'item';
  if (code === 'too_big' || code === 'too_small') {
    const most = code === 'too_big';
    if (sized) {
      return {
        loc: at,
        msg: `${sized} should have at ${most ? 'most' : 'least'} ${limit} ${unit}${limit === 1 ? '' : 's'}`,
        type:
          origin === 'string'
            ? `string_too_${most ? 'long' : 'short'}`
            : `too_${most ? 'long' : 'short'}`,
      };
    }
    const relation = most ? 'less than' : 'greater than';
    return {
      loc: at,
      msg: `Input should be ${relation}${inclusive ? ' or equal to' : ''} ${limit}`,
      type: `${most ? 'less' : 'greater'}_than${inclusive ? '_equal' : ''}`,
    };
  }
  if (code === 'invalid_value') {
    const options = (problem.values ?? []).map((v) => JSON.stringify(v));
    return { loc: at, msg: `Input should be ${options.join(', ')}`, type: 'enum' };
  }
  return { loc: at, msg: problem.message, type: 'value_error' };
}

const TYPE_MISMATCH: Record<string, { msg: string; type: string }> = {
  int: { msg: 'Input should be a valid integer', type: 'int_type' },
  number: { msg: 'Input should be a valid number', type: 'float_type' },
  string: { msg: 'Input should be a valid string', type: 'string_type' },
  boolean: { msg: 'Input should be a valid boolean', type: 'bool_type' },
  object: { msg: 'Input should be a valid dictionary', type: 'dict_type' },
  array: { msg: 'Input should be a valid list', type: 'list_type' },
};

function typeMismatch(expected: string): { msg: string; type: string } {
  return TYPE_MISMATCH[expected] ?? { msg: `Input should be ${expected}`, type: 'value_error' };
}

/** A single located problem for a ValidationError thrown without zod (ids, webhooks, headers). */
export function issueAt(loc: Path, msg: string, type = 'value_error'): ValidationIssue[] {
  return [{ loc, msg, type }];
}
