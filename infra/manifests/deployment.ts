import type { IDeployment } from 'kubernetes-models/apps/v1/Deployment';
import type { IVolume } from 'kubernetes-models/v1/Volume';
import type { IToleration } from 'kubernetes-models/v1/Toleration';
import { selectorLabels } from '../lib/labels';
import { serviceNames } from '../lib/naming';
import { METRICS_PORT, PRE_STOP_SLEEP_SECONDS, RUN_AS_USER, SECRET_KEYS } from './constants';
import { toContainer } from './container';
import { toVllmContainer, vllmVolumes } from './vllm-container';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/** Seconds beyond the server's drain that the kubelet waits before SIGKILL. */
const TERMINATION_MARGIN_SECONDS = 10;

export function toDeployment(spec: InferenceSpec): IDeployment & { metadata: ObjectMeta } {
  const { service } = spec;
  const names = serviceNames(service.name);
  const gpu = service.resources.gpus > 0;
  const vllm = service.runtime === 'vllm';
  // An autoscaler owns the replica count; a fixed count here would fight it on every update.
  const replicas =
    service.scaling.autoscaler === 'none' ? { replicas: service.scaling.minReplicas } : {};
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: objectMeta(spec, names.workload),
    spec: {
      ...replicas,
      selector: { matchLabels: selectorLabels(service.name) },
      strategy: toStrategy(spec),
      progressDeadlineSeconds: service.modelLoadSeconds + 120,
      revisionHistoryLimit: 5,
      template: {
        metadata: {
          labels: objectMeta(spec, names.workload).labels,
          annotations: {
            'prometheus.io/scrape': 'true',
            'prometheus.io/port': String(METRICS_PORT),
            'prometheus.io/path': '/metrics',
          },
        },
        spec: {
          serviceAccountName: names.workload,
          automountServiceAccountToken: false,
          terminationGracePeriodSeconds:
            PRE_STOP_SLEEP_SECONDS + service.shutdownGraceSeconds + TERMINATION_MARGIN_SECONDS,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: RUN_AS_USER,
            runAsGroup: RUN_AS_USER,
            fsGroup: RUN_AS_USER,
            seccompProfile: { type: 'RuntimeDefault' },
          },
          ...(spec.pullSecret ? { imagePullSecrets: [{ name: names.registrySecret }] } : {}),
          // vLLM reads VLLM_* variables; Kubernetes' service links would add some (VLLM_PORT for
          // a Service named vllm), which vLLM's docs warn break it. Nothing here uses them.
          ...(vllm ? { enableServiceLinks: false } : {}),
          containers: vllm ? [toContainer(spec), toVllmContainer(spec)] : [toContainer(spec)],
          volumes: toVolumes(spec),
          ...(gpu ? { nodeSelector: spec.gpu.nodeSelector, tolerations: toTolerations(spec) } : {}),
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: 'kubernetes.io/hostname',
              whenUnsatisfiable: 'ScheduleAnyway',
              labelSelector: { matchLabels: selectorLabels(service.name) },
            },
          ],
        },
      },
    },
  };
}

/**
 * Never drop below the serving count where the cluster has room for one more pod: a new pod must
 * load its model before an old one goes. A GPU pod on fixed GPU capacity has no such room (the
 * extra pod would stay Pending and the rollout never end), so there one pod is replaced at a time.
 */
export function toStrategy(spec: InferenceSpec): NonNullable<IDeployment['spec']>['strategy'] {
  const fixedGpus = spec.service.resources.gpus > 0 && !spec.gpu.gpuNodesAutoscale;
  return {
    type: 'RollingUpdate',
    rollingUpdate: fixedGpus
      ? { maxSurge: 0, maxUnavailable: 1 }
      : { maxSurge: 1, maxUnavailable: 0 },
  };
}

/** One toleration per taint of the platform's GPU nodes; CPU pods get none. */
export function toTolerations(spec: InferenceSpec): IToleration[] {
  return spec.gpu.taints.map((taint) =>
    taint.value === undefined
      ? { key: taint.key, operator: 'Exists', effect: taint.effect }
      : { key: taint.key, operator: 'Equal', value: taint.value, effect: taint.effect },
  );
}

function toVolumes(spec: InferenceSpec): IVolume[] {
  const { service } = spec;
  const names = serviceNames(service.name);
  const cache: IVolume =
    service.cache.kind === 'pvc'
      ? { name: 'model-cache', persistentVolumeClaim: { claimName: names.cachePvc } }
      : { name: 'model-cache', emptyDir: { sizeLimit: service.cache.size } };
  return [
    cache,
    { name: 'tmp', emptyDir: { sizeLimit: '1Gi' } },
    { name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: service.resources.shmSize } },
    ...(service.runtime === 'vllm' ? vllmVolumes() : []),
    ...(service.secrets.apiKeys
      ? [
          {
            name: 'api-keys',
            secret: {
              secretName: names.secret,
              defaultMode: 0o440,
              items: [{ key: SECRET_KEYS.apiKeys, path: SECRET_KEYS.apiKeys }],
            },
          },
        ]
      : []),
  ];
}
