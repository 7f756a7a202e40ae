import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { OnPremSettings } from '../../model';
import type { ClusterPlatform } from '../types';
import { onPremGpuScheduling } from './scheduling';

export interface OnPremClusterArgs {
  settings: OnPremSettings;
  /** Kubeconfig content (a Pulumi secret), instead of settings.kubeconfigPath. */
  kubeconfig?: pulumi.Output<string>;
  /** Password of settings.registry (a Pulumi secret). */
  registryPassword?: pulumi.Output<string>;
}

/** An existing cluster reached through a kubeconfig, and a private registry to push and pull. */
export class OnPremCluster extends pulumi.ComponentResource {
  readonly platform: ClusterPlatform;

  constructor(name: string, args: OnPremClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    // Formerly `llm-deploy:platforms:OnPremCluster`: the alias keeps existing stacks from replacing it.
    super(
      'llm-deploy:onprem:OnPremCluster',
      name,
      {},
      pulumi.mergeOptions(opts, { aliases: [{ type: 'llm-deploy:platforms:OnPremCluster' }] }),
    );
    const { settings } = args;
    if (!settings.registry || !args.registryPassword) {
      throw new Error(
        'OnPremCluster needs onprem.registry and llm-deploy:registryPassword (config validation ensures both)',
      );
    }
    const provider = new k8s.Provider(
      `${name}-k8s`,
      {
        // The provider takes either a path or the content; content stays a secret.
        kubeconfig: args.kubeconfig ?? settings.kubeconfigPath,
        ...(settings.context ? { context: settings.context } : {}),
      },
      { parent: this },
    );
    this.platform = {
      kind: 'onprem',
      provider,
      gpu: onPremGpuScheduling(settings),
      registry: { ...settings.registry, password: args.registryPassword },
      ...(settings.storageClass ? { storageClassName: settings.storageClass } : {}),
      provides: { gpuDevicePlugin: false },
      pullWithRegistryCredentials: true,
    };
    this.registerOutputs({});
  }
}
