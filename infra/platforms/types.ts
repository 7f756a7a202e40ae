import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type { GpuScheduling } from '../model';

/** Where images are pushed, and the credentials to push (and pull) them. */
export interface RegistryTarget {
  /** Registry host, e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com`. */
  server: pulumi.Input<string>;
  /** Full repository name without tag, e.g. `<server>/llm-deploy`. */
  repository: pulumi.Input<string>;
  username: pulumi.Input<string>;
  /** A Pulumi secret. */
  password: pulumi.Input<string>;
}

/** What a Kubernetes platform (aws, gcp, onprem) hands to the cluster-agnostic workload. */
export interface ClusterPlatform {
  kind: 'aws' | 'gcp' | 'onprem';
  provider: k8s.Provider;
  gpu: GpuScheduling;
  registry: RegistryTarget;
  /** StorageClass for the model-cache PVC; undefined means the cluster default. */
  storageClassName?: pulumi.Input<string>;
  /** Add-ons the platform already provides (GKE installs NVIDIA drivers and the device plugin). */
  provides: { gpuDevicePlugin: boolean };
  /**
   * Pods pull with an imagePullSecret made from `registry` (private registries that nodes have
   * no credentials for, as on-prem). Undefined or false: nodes pull with their own identity.
   */
  pullWithRegistryCredentials?: boolean;
}
