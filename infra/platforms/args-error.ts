/** Args a platform component cannot build from; the message lists every problem at once. */
export class PlatformArgsError extends Error {
  override name = 'PlatformArgsError';

  constructor(
    readonly component: string,
    readonly problems: string[],
  ) {
    super(`${component}: ${problems.join('; ')}`);
  }
}

/** Throws `PlatformArgsError` when `problems` is not empty. */
export function assertNoProblems(component: string, problems: string[]): void {
  if (problems.length > 0) throw new PlatformArgsError(component, problems);
}
