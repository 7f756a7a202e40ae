import { AsyncLocalStorage } from 'node:async_hooks';

/** Who is asking, visible to code deep below the routes (the scheduler) without plumbing. */
export interface RequestContext {
  /** A stable, non-secret id of the API key used (`key-<sha256 prefix>`), or `anonymous`. */
  account: string;
  /** The id echoed in X-Request-Id, to tie logs from deep below to the request. */
  requestId: string;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();

export function currentAccount(): string {
  return requestContext.getStore()?.account ?? 'anonymous';
}

export function currentRequestId(): string | undefined {
  return requestContext.getStore()?.requestId;
}
