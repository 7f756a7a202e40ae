/** One thing wrong with the stack config: which key, its value, why, and how to fix it. */
export interface ConfigProblem {
  /** Full key, e.g. `llm-deploy:cpuRequest` or `llm-deploy:onprem.registry.server`. */
  key: string;
  /** The offending value as the user wrote it; `[secret]` for secrets. */
  value: string;
  why: string;
  fix: string;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.key} = ${problem.value}: ${problem.why}. Fix: ${problem.fix}`;
}

/**
 * Every problem of a stack config at once. Carries Pulumi's RunError marker so that `pulumi up`
 * prints the message alone, without a stack trace, while this module stays free of the SDK.
 */
export class StackConfigError extends Error {
  readonly __pulumiRunError = true;

  constructor(
    readonly problems: ConfigProblem[],
    outcome = 'nothing was deployed',
  ) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      `Stack config has ${count}; ${outcome}:\n` +
        problems.map((p) => `  - ${formatProblem(p)}`).join('\n'),
    );
    this.name = 'StackConfigError';
  }
}
