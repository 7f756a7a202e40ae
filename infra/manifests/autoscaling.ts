import type { IScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import type { IHorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { serviceNames } from '../lib/naming';
import {
  HTTP_PORT,
  KEDA_EXTERNAL_SCALER,
  REQUESTS_WAITING_METRIC,
  SERVER_DEFAULT_MAX_CONCURRENT,
} from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, KubeObject, ObjectMeta } from './types';

/** http.keda.sh/v1alpha1 HTTPScaledObject (KEDA HTTP add-on 0.10); no typed model package exists. */
export interface HttpScaledObject extends KubeObject {
  spec: {
    hosts: string[];
    pathPrefixes: string[];
    scaleTargetRef: {
      apiVersion: string;
      kind: string;
      name: string;
      service: string;
      port: number;
    };
    replicas: { min: number; max: number };
    scaledownPeriod: number;
    scalingMetric: { concurrency: { targetValue: number } };
  };
}

const deploymentRef = (name: string) => ({ apiVersion: 'apps/v1', kind: 'Deployment', name });

/** The PromQL KEDA evaluates: requests waiting across the service's pods. */
export function requestsWaitingQuery(spec: InferenceSpec): string {
  return `sum(${REQUESTS_WAITING_METRIC}{namespace="${spec.service.namespace}"})`;
}

/** KEDA scales on requests waiting; with scale to zero, the HTTP add-on's scaler wakes it too. */
export function toScaledObject(spec: InferenceSpec): IScaledObject & { metadata: ObjectMeta } {
  const { scaling } = spec.service;
  const name = serviceNames(spec.service.name).workload;
  const triggers: NonNullable<IScaledObject['spec']>['triggers'] = [
    {
      type: 'prometheus',
      metadata: {
        serverAddress: scaling.prometheusUrl,
        query: requestsWaitingQuery(spec),
        threshold: String(scaling.queuePerReplica),
      },
    },
  ];
  if (scaling.scaleToZero)
    triggers.push({
      type: 'external-push',
      metadata: { scalerAddress: KEDA_EXTERNAL_SCALER, httpScaledObject: name },
    });
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: objectMeta(spec, name),
    spec: {
      scaleTargetRef: deploymentRef(name),
      // Idle (no request waiting or arriving) means zero; awake means at least minReplicas.
      ...(scaling.scaleToZero ? { idleReplicaCount: 0 } : {}),
      minReplicaCount: scaling.minReplicas,
      maxReplicaCount: scaling.maxReplicas,
      pollingInterval: 15,
      cooldownPeriod: scaling.scaleDownDelaySeconds,
      advanced: {
        horizontalPodAutoscalerConfig: {
          behavior: { scaleDown: { stabilizationWindowSeconds: scaling.scaleDownDelaySeconds } },
        },
      },
      triggers,
    },
  };
}

/**
 * Routing for the KEDA HTTP add-on's interceptor. Its own ScaledObject is skipped: ours above
 * carries both triggers, since two ScaledObjects on one Deployment would fight.
 */
export function toHttpScaledObject(spec: InferenceSpec): HttpScaledObject {
  const { scaling, ingress } = spec.service;
  const name = serviceNames(spec.service.name).workload;
  return {
    apiVersion: 'http.keda.sh/v1alpha1',
    kind: 'HTTPScaledObject',
    metadata: objectMeta(spec, name, {
      'httpscaledobject.keda.sh/skip-scaledobject-creation': 'true',
    }),
    spec: {
      hosts: [ingress?.host ?? ''],
      pathPrefixes: ['/'],
      scaleTargetRef: { ...deploymentRef(name), service: name, port: HTTP_PORT },
      replicas: { min: 0, max: scaling.maxReplicas },
      scaledownPeriod: scaling.scaleDownDelaySeconds,
      scalingMetric: {
        // Requests in flight per replica: what one replica decodes at once.
        concurrency: { targetValue: spec.service.maxConcurrent ?? SERVER_DEFAULT_MAX_CONCURRENT },
      },
    },
  };
}

/** Without KEDA: a CPU-based HorizontalPodAutoscaler. */
export function toHorizontalPodAutoscaler(
  spec: InferenceSpec,
): IHorizontalPodAutoscaler & { metadata: ObjectMeta } {
  const { scaling } = spec.service;
  const name = serviceNames(spec.service.name).workload;
  return {
    apiVersion: 'autoscaling/v2',
    kind: 'HorizontalPodAutoscaler',
    metadata: objectMeta(spec, name),
    spec: {
      scaleTargetRef: deploymentRef(name),
      minReplicas: scaling.minReplicas,
      maxReplicas: scaling.maxReplicas,
      metrics: [
        {
          type: 'Resource',
          resource: {
            name: 'cpu',
            target: { type: 'Utilization', averageUtilization: scaling.cpuTargetPercent },
          },
        },
      ],
      behavior: { scaleDown: { stabilizationWindowSeconds: scaling.scaleDownDelaySeconds } },
    },
  };
}
