/**
 * Validates Kubernetes objects against their published schemas: kubernetes-models for built-in
 * kinds, @kubernetes-models/{keda,prometheus-operator,cert-manager} for those CRDs, and for the
 * KEDA HTTP add-on (which has no model package) a schema transcribed from its v0.10 CRD.
 * An object of an unknown kind fails: nothing passes unvalidated.
 */
import { ScaledObject } from '@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject';
import { ClusterIssuer } from '@kubernetes-models/cert-manager/cert-manager.io/v1/ClusterIssuer';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { PrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Ingress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { StorageClass } from 'kubernetes-models/storage.k8s.io/v1/StorageClass';

type Model = new (data: never) => { validate(): void };

const MODELS: Record<string, Model> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'v1/PersistentVolumeClaim': PersistentVolumeClaim,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': Ingress,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'storage.k8s.io/v1/StorageClass': StorageClass,
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': ClusterRoleBinding,
  'keda.sh/v1alpha1/ScaledObject': ScaledObject,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule,
  'v1/ConfigMap': ConfigMap,
  'cert-manager.io/v1/ClusterIssuer': ClusterIssuer,
} as unknown as Record<string, Model>;

/** A subset of JSON Schema: enough for a CRD's structural schema. */
interface Schema {
  type: 'object' | 'string' | 'integer' | 'array' | 'boolean';
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  /** CRDs prune unknown fields; here an unknown field is an error, to catch typos. */
  closed?: boolean;
}

const int32: Schema = { type: 'integer' };
const HTTP_SCALED_OBJECT: Schema = {
  type: 'object',
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
  properties: {
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { type: 'object' },
    spec: {
      type: 'object',
      closed: true,
      required: ['scaleTargetRef'],
      properties: {
        hosts: { type: 'array', items: { type: 'string' } },
        pathPrefixes: { type: 'array', items: { type: 'string' } },
        headers: { type: 'array', items: { type: 'object' } },
        scaleTargetRef: {
          type: 'object',
          closed: true,
          required: ['service', 'port'],
          properties: {
            name: { type: 'string' },
            kind: { type: 'string' },
            apiVersion: { type: 'string' },
            service: { type: 'string' },
            port: int32,
          },
        },
        replicas: { type: 'object', closed: true, properties: { min: int32, max: int32 } },
        scaledownPeriod: int32,
        targetPendingRequests: int32,
        initialCooldownPeriod: int32,
        scalingMetric: {
          type: 'object',
          closed: true,
          properties: {
            concurrency: { type: 'object', closed: true, properties: { targetValue: int32 } },
            requestRate: {
              type: 'object',
              closed: true,
              properties: {
                granularity: { type: 'string' },
                targetValue: int32,
                window: { type: 'string' },
              },
            },
          },
        },
      },
    },
  },
};

function checkSchema(value: unknown, schema: Schema, at: string, errors: string[]): void {
  const actual = Array.isArray(value)
    ? 'array'
    : Number.isInteger(value)
      ? 'integer'
      : typeof value;
  if (actual !== schema.type) {
    errors.push(`${at} must be ${schema.type}, is ${actual}`);
    return;
  }
  if (schema.type === 'array')
    (value as unknown[]).forEach((item, i) =>
      checkSchema(item, schema.items!, `${at}/${i}`, errors),
    );
  if (schema.type !== 'object') return;
  const object = value as Record<string, unknown>;
  for (const key of schema.required ?? [])
    if (!(key in object)) errors.push(`${at} must have ${key}`);
  for (const [key, field] of Object.entries(object)) {
    const fieldSchema = schema.properties?.[key];
    if (fieldSchema) checkSchema(field, fieldSchema, `${at}/${key}`, errors);
    else if (schema.closed) errors.push(`${at}/${key} is not a field`);
  }
}

/** The schema errors of one object; empty when it is valid. */
export function schemaErrors(object: Record<string, unknown>): string[] {
  const key = `${object.apiVersion}/${object.kind}`;
  if (key === 'http.keda.sh/v1alpha1/HTTPScaledObject') {
    const errors: string[] = [];
    checkSchema(object, HTTP_SCALED_OBJECT, 'data', errors);
    return errors;
  }
  const model = MODELS[key];
  if (!model) return [`no schema known for ${key}`];
  try {
    new model(object as never).validate();
    return [];
  } catch (error) {
    return [(error as Error).message];
  }
}

/** Every object's schema errors, prefixed with the object's kind and name. */
export function allSchemaErrors(objects: Record<string, unknown>[]): string[] {
  return objects.flatMap((o) => {
    const name = `${o.kind}/${(o.metadata as { name?: string } | undefined)?.name}`;
    return schemaErrors(o).map((e) => `${name}: ${e}`);
  });
}
