/** Facts shared by the manifests, the server's runtime contract, and the cluster add-ons. */

export const HTTP_PORT = 8080;
export const METRICS_PORT = 9090;
export const CONTAINER_NAME = 'server';

/** Paths inside the container; the root filesystem is read-only, these are volumes. */
export const CACHE_DIR = '/var/cache/llm-deploy';
export const API_KEYS_DIR = '/var/run/secrets/llm-deploy';
export const API_KEYS_FILE = `${API_KEYS_DIR}/api-keys`;

/** Keys of the service's Secret. */
export const SECRET_KEYS = {
  hfToken: 'hf-token',
  apiKeys: 'api-keys',
  webhookSecret: 'webhook-secret',
} as const;

/** The numeric non-root user the image runs as (docker/Dockerfile). */
export const RUN_AS_USER = 10001;

/** Seconds the pod keeps serving after SIGTERM so endpoints drop it before it drains. */
export const PRE_STOP_SLEEP_SECONDS = 5;

/**
 * Generations a replica decodes at once when `maxConcurrent` is unset: the server's MAX_CONCURRENT
 * default (inference/src/config.ts; a test keeps the two equal).
 */
export const SERVER_DEFAULT_MAX_CONCURRENT = 8;

/** The server's gauge of requests queued for a generation slot: the scale-out signal. */
export const REQUESTS_WAITING_METRIC = 'llm_requests_waiting';

/** Where the KEDA HTTP add-on (chart keda-add-ons-http in namespace keda) listens. */
export const KEDA_NAMESPACE = 'keda';
export const KEDA_INTERCEPTOR_PROXY = `keda-add-ons-http-interceptor-proxy.${KEDA_NAMESPACE}.svc.cluster.local`;
export const KEDA_INTERCEPTOR_PORT = 8080;
export const KEDA_EXTERNAL_SCALER = `keda-add-ons-http-external-scaler.${KEDA_NAMESPACE}:9090`;
