// The wording of the checks made on one value, whoever reads it: the stack config reader and the
// public components say the same thing about the same mistake.

/** Why a value is wrong, and how to fix it. */
export interface Rule {
  why: string;
  fix: string;
}

export function notWholeNumber(example: string): Rule {
  return { why: 'must be a whole number', fix: `use digits only, e.g. ${example}` };
}

export function outOfRange(min: number, max: number): Rule {
  return { why: `must be between ${min} and ${max}`, fix: 'pick a value in that range' };
}

export function notQuantity(unit: 'cpu' | 'memory'): Rule {
  const fix =
    unit === 'cpu'
      ? 'use cores ("2", "0.5") or millicores ("500m")'
      : 'use a size with a binary suffix, e.g. "512Mi" or "8Gi"';
  return { why: `is not a positive Kubernetes ${unit} quantity`, fix };
}

export function notOneOf(choices: readonly string[], text: string): Rule {
  const near = choices.find((c) => c.toLowerCase() === text.toLowerCase());
  return {
    why: `must be one of ${choices.join(', ')}`,
    fix: near ? `write it as ${JSON.stringify(near)}` : `pick one of ${choices.join(', ')}`,
  };
}

/** An image reference pinned by digest: `name@sha256:<64 hex digits>`. */
export const PINNED_BY_DIGEST = /^[^\s@]+@sha256:[0-9a-f]{64}$/;
