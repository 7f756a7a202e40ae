import { ValidationError } from '../errors';

const NUMERIC_INPUTS = new Set([
  'max_new_tokens',
  'max_tokens',
  'temperature',
  'top_p',
  'top_k',
  'repetition_penalty',
  'seed',
]);

/** `-i key=value` pairs, as `cog predict -i` takes them, into an input object. */
export function parseInputPairs(pairs: string[]): Record<string, string | number> {
  const input: Record<string, string | number> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw new ValidationError(
        `-i ${JSON.stringify(pair)} is not key=value; write e.g. -i prompt="Hello"`,
        'input',
      );
    }
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    if (!NUMERIC_INPUTS.has(key)) {
      input[key] = value;
      continue;
    }
    const number = Number(value);
    if (value.trim() === '' || !Number.isFinite(number)) {
      throw new ValidationError(`-i ${key}=${value}: ${key} must be a number`, key);
    }
    input[key] = number;
  }
  return input;
}
