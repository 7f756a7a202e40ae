import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, visible to code deep below the routes (the scheduler) without plumbing. */
export interface RequestContext {
  /** A stable, non-secret id of the API key used (`key-<sha256 prefix>`), or `anonymous`. */
  account: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentAccount(): string {
  return requestContext.getStore()?.account ?? 'anonymous';
}
