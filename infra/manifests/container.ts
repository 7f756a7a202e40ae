import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IEnvVar } from 'kubernetes-models/v1/EnvVar';
import { serviceNames } from '../lib/naming';
import { setVariables, type ServerEnv, type ServerEnvName } from '../model';
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
import type { InferenceSpec } from './types';

const STARTUP_PERIOD_SECONDS = 10;

/** The server container: its env is the server's runtime contract (see inference/src/config.ts). */
export function toContainer(spec: InferenceSpec): IContainer {
  const { service } = spec;
  const gpus = service.resources.gpus;
  const gpuResources: Record<string, string> =
    gpus > 0 ? { [spec.gpu.resourceName]: String(gpus) } : {};
  return {
    name: CONTAINER_NAME,
    image: spec.image,
    imagePullPolicy: 'IfNotPresent',
    ports: [
      { name: 'http', containerPort: HTTP_PORT, protocol: 'TCP' },
      { name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' },
    ],
    env: toEnv(spec),
    resources: {
      requests: {
        cpu: service.resources.cpuRequest,
        memory: service.resources.memoryRequest,
        ...gpuResources,
      },
      limits: {
        cpu: service.resources.cpuLimit,
        memory: service.resources.memoryLimit,
        ...gpuResources,
      },
    },
    // Startup gates the other probes until the model is loaded and warm: sized for model load time.
    startupProbe: {
      httpGet: { path: '/readyz', port: 'http' },
      periodSeconds: STARTUP_PERIOD_SECONDS,
      timeoutSeconds: 5,
      failureThreshold: Math.ceil(service.modelLoadSeconds / STARTUP_PERIOD_SECONDS),
    },
    // Readiness drops a draining pod out of the Service within ten seconds.
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
    securityContext: {
      runAsNonRoot: true,
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      privileged: false,
      capabilities: { drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
    volumeMounts: [
      { name: 'model-cache', mountPath: CACHE_DIR },
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'dshm', mountPath: '/dev/shm' },
      ...(service.secrets.apiKeys
        ? [{ name: 'api-keys', mountPath: API_KEYS_DIR, readOnly: true }]
        : []),
    ],
  };
}

function toEnv(spec: InferenceSpec): IEnvVar[] {
  const { service } = spec;
  // HOME is no server setting: the libraries under it write there, and the root is read-only.
  const plain: ServerEnv & { HOME: string } = {
    HOST: '0.0.0.0',
    PORT: String(HTTP_PORT),
    METRICS_PORT: String(METRICS_PORT),
    DEVICE: service.resources.gpus > 0 ? 'cuda' : 'cpu',
    DTYPE: service.model.dtype,
    MODEL: service.model.id,
    MODEL_REVISION: service.model.revision,
    SERVED_MODEL_NAME: service.model.servedName,
    CACHE_DIR: CACHE_DIR,
    HOME: '/tmp',
    SHUTDOWN_GRACE_SECONDS: String(service.shutdownGraceSeconds),
    MAX_CONCURRENT: service.maxConcurrent === undefined ? undefined : String(service.maxConcurrent),
    LOG_LEVEL: service.logLevel,
    API_KEYS_FILE: service.secrets.apiKeys ? API_KEYS_FILE : undefined,
    CORS_ORIGINS: service.corsOrigins.length > 0 ? service.corsOrigins.join(',') : undefined,
  };
  const env: IEnvVar[] = setVariables(plain).map(([name, value]) => ({ name, value }));
  const fromSecret = (name: ServerEnvName, key: string): IEnvVar => ({
    name,
    valueFrom: { secretKeyRef: { name: serviceNames(service.name).secret, key } },
  });
  if (service.secrets.hfToken) env.push(fromSecret('HF_TOKEN', SECRET_KEYS.hfToken));
  if (service.secrets.webhookSecret)
    env.push(fromSecret('WEBHOOK_SECRET', SECRET_KEYS.webhookSecret));
  return env;
}
