import type { HubOptions } from './hub';

/**
 * Turns transformers.js's error for a Hub model into one line saying what went wrong and how to fix
 * it; undefined when the error is not about reaching the Hub or its files. transformers.js reports
 * HTTP failures as `<what>: "<url>".` with the status on the error, and offline misses by naming
 * `env.allowRemoteModels=false`.
 */
export function describeHubError(
  error: unknown,
  id: string,
  revision: string,
  hub: HubOptions,
): string | undefined {
  // Duck-typed: fetch's errors may come from another realm (jest, vm), where instanceof fails.
  const {
    message = String(error),
    name,
    status,
    cause,
  } = (error ?? {}) as {
    message?: string;
    name?: string;
    status?: unknown;
    cause?: { code?: string; message?: string };
  };
  const file = /\/resolve\/[^/]+\/([^"]+)"/.exec(message)?.[1] ?? 'config.json';
  const at = `${id} (revision ${revision}) on ${hub.endpoint}`;
  if (status === 401 || status === 403) {
    return hub.token
      ? `the Hub refused HF_TOKEN for ${at} (HTTP ${status}): check that the token is valid and can read this repository`
      : `${at} answered HTTP ${status}: it does not exist, or it is private or gated; check the id, or set HF_TOKEN to a token that can read it`;
  }
  if (status === 404) {
    if (file === 'config.json') {
      return `${at} was not found (HTTP 404 for config.json): check the model id and MODEL_REVISION`;
    }
    return file.startsWith('onnx/')
      ? `${at} has no ${file} (HTTP 404): pick a DTYPE the repository has ONNX weights for, or a repository exported to ONNX (e.g. under onnx-community/)`
      : `${at} has no ${file} (HTTP 404): the repository is not a complete transformers.js model`;
  }
  if (message.includes('allowRemoteModels=false')) {
    return `${id} (revision ${revision}) is not in the model cache ${hub.cacheDir} and the Hub is switched off (HF_HUB_OFFLINE): load it once online, or set CACHE_DIR to a cache that holds it`;
  }
  if (name === 'TypeError' && message === 'fetch failed') {
    return `could not reach the Hub at ${hub.endpoint} (${cause?.code ?? cause?.message ?? 'network error'}): check HF_ENDPOINT and the network, or set HF_HUB_OFFLINE=true to load from the cache`;
  }
  return undefined;
}
