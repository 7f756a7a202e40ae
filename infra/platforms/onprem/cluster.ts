import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { argProblem, assertNoProblems, type GpuTaint } from '../../model';
import type { ClusterPlatform, RegistryTarget } from '../types';
import { DEFAULT_GPU_NODE_LABELS, DEFAULT_GPU_TAINTS, onPremGpuScheduling } from './scheduling';

/** Args of `OnPremCluster`: how to reach an existing cluster, and what its GPU nodes look like. */
export interface OnPremClusterArgs {
  /**
   * Kubeconfig content; kept a secret.
   * @default `kubeconfigPath`, else the provider's own (KUBECONFIG, then ~/.kube/config)
   */
  kubeconfig?: pulumi.Input<string>;
  /** Path of a kubeconfig file, instead of `kubeconfig`. @default none */
  kubeconfigPath?: string;
  /** Context of the kubeconfig to use. @default its current context */
  context?: string;
  /** Labels GPU nodes carry; GPU pods select them. @default { 'nvidia.com/gpu.present': 'true' } */
  gpuNodeLabels?: Record<string, string>;
  /**
   * Taints GPU nodes carry; GPU pods tolerate them, CPU pods do not.
   * @default [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }]
   */
  gpuTaints?: GpuTaint[];
  /**
   * A private registry images are pushed to; pods pull from it with an imagePullSecret made
   * from these credentials (the password a Pulumi secret).
   * @default none: pods pull with the nodes' own access
   */
  registry?: RegistryTarget;
  /** StorageClass of model cache claims. @default the cluster's default class */
  storageClass?: string;
}

/** An existing cluster reached through a kubeconfig, and optionally a private registry. */
export class OnPremCluster extends pulumi.ComponentResource {
  /** What a workload needs from the cluster: hand it to `LlmEndpoint` (provider, gpu, ...). */
  readonly platform: ClusterPlatform;
  /** The Kubernetes provider for the cluster (also `platform.provider`). */
  readonly provider: k8s.Provider;

  constructor(name: string, args: OnPremClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    if (args.kubeconfig !== undefined && args.kubeconfigPath !== undefined) {
      assertNoProblems('OnPremCluster', [
        argProblem(
          'kubeconfigPath',
          args.kubeconfigPath,
          'is given together with kubeconfig; only one may say which cluster to use',
          'remove one of the two',
        ),
      ]);
    }
    // Formerly `llm-deploy:platforms:OnPremCluster`: the alias keeps existing stacks from replacing it.
    super(
      'llm-deploy:onprem:OnPremCluster',
      name,
      {
        ...args,
        ...(args.kubeconfig !== undefined ? { kubeconfig: pulumi.secret(args.kubeconfig) } : {}),
        ...(args.registry
          ? { registry: { ...args.registry, password: pulumi.secret(args.registry.password) } }
          : {}),
      },
      pulumi.mergeOptions(opts, { aliases: [{ type: 'llm-deploy:platforms:OnPremCluster' }] }),
    );
    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        // The provider takes either a path or the content; content stays a secret.
        kubeconfig:
          args.kubeconfig !== undefined ? pulumi.secret(args.kubeconfig) : args.kubeconfigPath,
        ...(args.context ? { context: args.context } : {}),
      },
      { parent: this },
    );
    this.platform = {
      kind: 'onprem',
      provider: this.provider,
      gpu: onPremGpuScheduling({
        gpuNodeLabels: args.gpuNodeLabels ?? DEFAULT_GPU_NODE_LABELS,
        gpuTaints: args.gpuTaints ?? DEFAULT_GPU_TAINTS,
      }),
      ...(args.registry ? { registry: args.registry, pullWithRegistryCredentials: true } : {}),
      ...(args.storageClass ? { storageClassName: args.storageClass } : {}),
      provides: { gpuDevicePlugin: false },
    };
    this.registerOutputs({});
  }
}
