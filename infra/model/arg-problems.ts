/** One thing wrong with a platform's args: the field (dotted path), its value, why, and the fix. */
export interface ArgProblem {
  field: string;
  value: unknown;
  why: string;
  fix: string;
}

export function argProblem(field: string, value: unknown, why: string, fix: string): ArgProblem {
  return { field, value, why, fix };
}

/** Shows a value the way a user would type it back. */
export function showValue(value: unknown): string {
  return value === undefined ? '(not set)' : JSON.stringify(value);
}

export function formatArgProblem(problem: ArgProblem): string {
  return `${problem.field} = ${showValue(problem.value)}: ${problem.why}. Fix: ${problem.fix}`;
}

/** Args a platform component cannot build from; the message lists every problem at once. */
export class PlatformArgsError extends Error {
  override name = 'PlatformArgsError';

  constructor(
    readonly component: string,
    readonly problems: ArgProblem[],
  ) {
    super(`${component}:\n${problems.map((p) => `  - ${formatArgProblem(p)}`).join('\n')}`);
  }
}

/** Throws `PlatformArgsError` when `problems` is not empty. */
export function assertNoProblems(component: string, problems: ArgProblem[]): void {
  if (problems.length > 0) throw new PlatformArgsError(component, problems);
}
