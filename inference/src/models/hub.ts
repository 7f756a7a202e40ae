/** How to reach a Hugging Face Hub (or a mirror) and where to cache what it serves. */
export interface HubOptions {
  /** Base URL, e.g. https://huggingface.co (HF_ENDPOINT). */
  endpoint: string;
  /** Sent as a bearer token to `endpoint` only; never logged. */
  token?: string;
  cacheDir: string;
  /** Use the cache only (HF_HUB_OFFLINE). */
  offline: boolean;
}

/** The slice of transformers.js's `env` this module sets. */
export interface TransformersEnv {
  allowLocalModels: boolean;
  allowRemoteModels: boolean;
  remoteHost: string;
  cacheDir: string | null;
  useFSCache: boolean;
  fetch: (input: string, init?: { headers?: HeadersInit }) => Promise<Response>;
}

/** The endpoint as a base URL ending in `/`. */
export function hubBaseUrl(hub: HubOptions): string {
  return hub.endpoint.endsWith('/') ? hub.endpoint : `${hub.endpoint}/`;
}

/**
 * fetch that sends HF_TOKEN to the configured endpoint (mirrors, test servers) and to nothing
 * else: transformers.js itself only authenticates to huggingface.co.
 */
export function hubFetch(hub: HubOptions): TransformersEnv['fetch'] {
  const host = hubBaseUrl(hub);
  return (input, init) => {
    const headers = new Headers(init?.headers);
    if (hub.token && input.startsWith(host)) headers.set('Authorization', `Bearer ${hub.token}`);
    return fetch(input, { ...init, headers });
  };
}

export function configureHub(env: TransformersEnv, hub: HubOptions): void {
  env.allowLocalModels = true;
  env.allowRemoteModels = !hub.offline;
  env.remoteHost = hubBaseUrl(hub);
  env.cacheDir = hub.cacheDir;
  env.useFSCache = true;
  env.fetch = hubFetch(hub);
}
