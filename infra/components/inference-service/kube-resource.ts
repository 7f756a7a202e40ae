import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { KubeObject } from '../../manifests/types';

type ResourceClass = new (
  name: string,
  args: Record<string, pulumi.Input<unknown>>,
  opts?: pulumi.CustomResourceOptions,
) => pulumi.CustomResource;

/** Typed resource classes of the built-in kinds the manifests produce; others are custom resources. */
const TYPED: Record<string, ResourceClass> = {
  'v1/Namespace': k8s.core.v1.Namespace,
  'v1/ServiceAccount': k8s.core.v1.ServiceAccount,
  'v1/Secret': k8s.core.v1.Secret,
  'v1/Service': k8s.core.v1.Service,
  'v1/PersistentVolumeClaim': k8s.core.v1.PersistentVolumeClaim,
  'apps/v1/Deployment': k8s.apps.v1.Deployment,
  'policy/v1/PodDisruptionBudget': k8s.policy.v1.PodDisruptionBudget,
  'autoscaling/v2/HorizontalPodAutoscaler': k8s.autoscaling.v2.HorizontalPodAutoscaler,
  'networking.k8s.io/v1/Ingress': k8s.networking.v1.Ingress,
  'networking.k8s.io/v1/NetworkPolicy': k8s.networking.v1.NetworkPolicy,
} as unknown as Record<string, ResourceClass>;

/**
 * Declares one planned object as a Pulumi resource. `shape` is the object as planned with
 * placeholder inputs (it says which kind and fields exist); `object` is the same object once its
 * Output inputs (the image digest) are known, or the object itself when its fields are known.
 */
export function kubeResource(
  logicalName: string,
  shape: KubeObject,
  object: pulumi.Output<KubeObject> | KubeObject,
  opts: pulumi.CustomResourceOptions,
): pulumi.CustomResource {
  const fields: Record<string, pulumi.Input<unknown>> = {};
  for (const key of Object.keys(shape)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    if (!pulumi.Output.isInstance(object)) {
      // A plain object whose values may be Outputs (a Secret's data): pass them as they are, so
      // only those values are secret, not the whole object.
      fields[key] = (object as unknown as Record<string, pulumi.Input<unknown>>)[key];
      continue;
    }
    fields[key] = object.apply((o) => {
      if (o.kind !== shape.kind || o.metadata.name !== shape.metadata.name) {
        throw new Error(
          `planned ${shape.kind}/${shape.metadata.name} became ${o.kind}/${o.metadata.name}`,
        );
      }
      return (o as unknown as Record<string, unknown>)[key];
    });
  }
  const typed = TYPED[`${shape.apiVersion}/${shape.kind}`];
  if (typed) return new typed(logicalName, fields, opts);
  return new k8s.apiextensions.CustomResource(
    logicalName,
    { apiVersion: shape.apiVersion, kind: shape.kind, ...fields },
    opts,
  );
}
