import type { ManagedBy } from '../lib/labels';
import type { GpuScheduling, ServiceSettings } from '../model';

/** Everything the manifest functions need, as plain values: they run in Pulumi and in render. */
export interface InferenceSpec {
  service: ServiceSettings;
  /** Image reference pinned by digest. */
  image: string;
  /** How GPU pods reach GPU nodes; used only when the service requests GPUs. */
  gpu: GpuScheduling;
  /** StorageClass of the model cache PVC; undefined means the cluster default. */
  storageClassName?: string;
  managedBy: ManagedBy;
  /** Pods pull through an imagePullSecret (a private registry the nodes have no credentials for). */
  pullSecret: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** Any Kubernetes object: what the functions return, render writes and the tests validate. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
}
