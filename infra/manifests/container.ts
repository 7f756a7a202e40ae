import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import type { IVolumeMount } from 'kubernetes-models/v1/VolumeMount';
import { serviceNames } from '../lib/naming';
import { gatewayEnv, setVariables, VLLM_PORT, type ServerEnv, type ServerEnvName } from '../model';
import {
  API_KEYS_DIR,
  API_KEYS_FILE,
  CACHE_DIR,
  CONTAINER_NAME,
  HTTP_PORT,
  METRICS_PORT,
  PRE_STOP_SLEEP_SECONDS,
  SECRET_KEYS,
} from './constants';
import { hardenedSecurityContext, startupProbeFor } from './probes';
import type { InferenceSpec } from './types';

/**
 * What the gateway in front of vLLM needs: no GPU, no model, no weights; the figures hold a
 * Node.js process streaming text (a few hundred MiB at a thousand streams).
 */
const GATEWAY_RESOURCES = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

/**
 * The server container: its env is the server's runtime contract (see inference/src/config.ts).
 * With runtime vllm it is the gateway: the APIs, keys, limits and moderation in front of the
 * engine beside it, whose readiness its own follows.
 */
export function toContainer(spec: InferenceSpec): IContainer {
  const { service } = spec;
  const gateway = service.runtime === 'vllm';
  return {
    name: CONTAINER_NAME,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
    ],
    env: toEnv(spec),
    resources: gateway ? GATEWAY_RESOURCES : serverResources(spec),
    // Startup gates the other probes until the model is loaded and warm: sized for model load time.
    startupProbe: startupProbeFor(service, { httpGet: { path: '/readyz', port: 'http' } }),
    // Readiness drops a draining pod (or one whose engine went away) within ten seconds.
    readinessProbe: {
      httpGet: { path: '/readyz', port: 'http' },
      periodSeconds: 5,
      timeoutSeconds: 3,
      failureThreshold: 2,
    },
    // Liveness restarts only a wedged process: /healthz stays 200 while busy generating.
    livenessProbe: {
      httpGet: { path: '/healthz', port: 'http' },
      periodSeconds: 15,
      timeoutSeconds: 5,
      failureThreshold: 4,
    },
    lifecycle: { preStop: { sleep: { seconds: PRE_STOP_SLEEP_SECONDS } } },
    securityContext: hardenedSecurityContext(),
    volumeMounts: toVolumeMounts(spec),
  };
}

function serverResources(spec: InferenceSpec): IContainer['resources'] {
  const { resources } = spec.service;
  const gpus: Record<string, string> =
    resources.gpus > 0 ? { [spec.gpu.resourceName]: String(resources.gpus) } : {};
  return {
    requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest, ...gpus },
    limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit, ...gpus },
  };
}

function toVolumeMounts(spec: InferenceSpec): IVolumeMount[] {
  const { service } = spec;
  const keys = service.secrets.apiKeys
    ? [{ name: 'api-keys', mountPath: API_KEYS_DIR, readOnly: true }]
    : [];
  // The gateway loads no model: /tmp is all it writes.
  if (service.runtime === 'vllm') return [{ name: 'tmp', mountPath: '/tmp' }, ...keys];
  return [
    { name: 'model-cache', mountPath: CACHE_DIR },
    { name: 'tmp', mountPath: '/tmp' },
    { name: 'dshm', mountPath: '/dev/shm' },
    ...keys,
  ];
}

function toEnv(spec: InferenceSpec): IEnvVar[] {
  const { service } = spec;
  const gateway = service.runtime === 'vllm';
  // HOME is no server setting: the libraries under it write there, and the root is read-only.
  const common: ServerEnv & { HOME: string } = {
    HOST: '0.0.0.0',
    PORT: String(HTTP_PORT),
    METRICS_PORT: String(METRICS_PORT),
    HOME: '/tmp',
    SHUTDOWN_GRACE_SECONDS: String(service.shutdownGraceSeconds),
    LOG_LEVEL: service.logLevel,
    API_KEYS_FILE: service.secrets.apiKeys ? API_KEYS_FILE : undefined,
    CORS_ORIGINS: service.corsOrigins.length > 0 ? service.corsOrigins.join(',') : undefined,
  };
  const engine: ServerEnv = gateway
    ? { DEVICE: 'cuda', ...gatewayEnv(service, `http://127.0.0.1:${VLLM_PORT}`) }
    : {
        DEVICE: service.resources.gpus > 0 ? 'cuda' : 'cpu',
        DTYPE: service.model.dtype,
        MODEL: service.model.id,
        ENGINE: service.model.engine,
        GGUF_FILE: service.model.ggufFile,
        QUANT: service.model.quant,
        MODEL_REVISION: service.model.revision,
        SERVED_MODEL_NAME: service.model.servedName,
        CACHE_DIR: CACHE_DIR,
        MAX_CONCURRENT:
          service.maxConcurrent === undefined ? undefined : String(service.maxConcurrent),
      };
  const env: IEnvVar[] = setVariables({ ...common, ...engine }).map(([name, value]) => ({
    name,
    value,
  }));
  // With vLLM the engine downloads the weights: the Hub token goes to it, not to the gateway.
  if (service.secrets.hfToken && !gateway) env.push(hubTokenEnv(spec));
  // Webhooks are the gateway's (predictions live there), whichever engine generates.
  if (service.secrets.webhookSecret)
    env.push(secretEnv(spec, 'WEBHOOK_SECRET', SECRET_KEYS.webhookSecret));
  return env;
}

/** HF_TOKEN from the service's Secret; vLLM and our server read the same variable. */
export function hubTokenEnv(spec: InferenceSpec): IEnvVar {
  return secretEnv(spec, 'HF_TOKEN', SECRET_KEYS.hfToken);
}

function secretEnv(spec: InferenceSpec, name: ServerEnvName, key: string): IEnvVar {
  return {
    name,
    valueFrom: { secretKeyRef: { name: serviceNames(spec.service.name).secret, key } },
  };
}
