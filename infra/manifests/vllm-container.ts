import type { IContainer } from 'kubernetes-models/v1/Container';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import { setVariables, VLLM_PORT, vllmEnv, vllmServeArgs } from '../model';
import { CACHE_DIR, VLLM_CONTAINER_NAME, VLLM_HOME } from './constants';
import { hubTokenEnv } from './container';
import { hardenedSecurityContext, startupProbeFor } from './probes';
import type { InferenceSpec } from './types';

/**
 * vLLM listens on loopback only, where the kubelet's HTTP probes cannot reach: its probes run in
 * the container with the Python vLLM itself runs on, and fail on anything but a 2xx from /health.
 */
const HEALTH_CHECK = [
  'python3',
  '-c',
  `import urllib.request as u; u.urlopen('http://127.0.0.1:${VLLM_PORT}/health', timeout=4)`,
];

/** The vLLM OpenAI server with the replica's GPUs (runtime vllm); the gateway beside it is the only client. */
export function toVllmContainer(spec: InferenceSpec): IContainer {
  const { service } = spec;
  const vllm = service.vllm!;
  const { resources } = service;
  const gpus = { [spec.gpu.resourceName]: String(resources.gpus) };
  const env = setVariables(vllmEnv({ home: VLLM_HOME, hfHome: `${CACHE_DIR}/huggingface` })).map(
    ([name, value]) => ({ name, value }),
  );
  return {
    name: VLLM_CONTAINER_NAME,
    image: vllm.image,
    imagePullPolicy: 'IfNotPresent',
    args: vllmServeArgs(service, vllm, '127.0.0.1'),
    env: service.secrets.hfToken ? [...env, hubTokenEnv(spec)] : env,
    resources: {
      requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest, ...gpus },
      limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit, ...gpus },
    },
    // Downloading and loading the weights (and compiling CUDA graphs) is the long part.
    startupProbe: startupProbeFor(service, { exec: { command: HEALTH_CHECK } }),
    readinessProbe: {
      exec: { command: HEALTH_CHECK },
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 3,
    },
    // vLLM's /health fails once its engine died: restart the container, not the pod.
    livenessProbe: {
      exec: { command: HEALTH_CHECK },
      periodSeconds: 20,
      timeoutSeconds: 10,
      failureThreshold: 3,
    },
    securityContext: hardenedSecurityContext(),
    volumeMounts: [
      { name: 'model-cache', mountPath: CACHE_DIR },
      { name: 'vllm-home', mountPath: VLLM_HOME },
      { name: 'vllm-tmp', mountPath: '/tmp' },
      { name: 'dshm', mountPath: '/dev/shm' },
    ],
  };
}

/** The engine's writable places besides the model cache and /dev/shm. */
export function vllmVolumes(): IVolume[] {
  return [
    // vLLM's compile and kernel caches (VLLM_CACHE_ROOT under XDG_CACHE_HOME) grow to a few GiB.
    { name: 'vllm-home', emptyDir: { sizeLimit: '10Gi' } },
    { name: 'vllm-tmp', emptyDir: { sizeLimit: '4Gi' } },
  ];
}
