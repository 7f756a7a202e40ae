import * as pulumi from '@pulumi/pulumi';
import { ClusterAddons } from './components/cluster-addons';
import { Image } from './components/image';
import { InferenceService } from './components/inference-service';
import type { StackInputs } from './config';
import { TargetNotAvailableError } from './config/errors';
import { OnPremCluster } from './platforms/onprem';
import type { ClusterPlatform } from './platforms/types';

export interface StackOutputs {
  endpoint: pulumi.Output<string>;
  openaiBaseUrl: pulumi.Output<string>;
  playgroundUrl: pulumi.Output<string>;
  /** `repository@sha256:...` the pods run. */
  image: pulumi.Output<string>;
  imageDigest: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
}

/** config -> platform -> image -> workload -> outputs. */
export function deployStack(inputs: StackInputs): StackOutputs {
  const { config, secrets } = inputs;
  switch (config.target) {
    case 'onprem': {
      const cluster = new OnPremCluster('onprem', {
        settings: config.onprem!,
        kubeconfig: secrets.kubeconfig,
        registryPassword: secrets.registryPassword,
      });
      return deployOnCluster(cluster.platform, inputs);
    }
    case 'aws':
    case 'gcp':
    case 'edge':
      throw new TargetNotAvailableError(config.target, 'it lands with the platforms work');
  }
}

/** What every Kubernetes target shares once its platform has handed over a cluster. */
export function deployOnCluster(platform: ClusterPlatform, inputs: StackInputs): StackOutputs {
  const { config, secrets } = inputs;
  const { service } = config;
  const addons = new ClusterAddons('addons', {
    provider: platform.provider,
    settings: config.addons,
    gpu: platform.gpu,
    needsGpuPlugin: service.resources.gpus > 0 && !platform.provides.gpuDevicePlugin,
    ingressClass: config.addons.ingressClass,
    ingressNamespace: service.ingressControllerNamespace,
  });
  const built = config.prebuiltImage
    ? undefined
    : new Image('image', {
        registry: platform.registry,
        cuda: service.resources.gpus > 0,
        tag: pulumi.getStack(),
      });
  const image = built?.ref ?? pulumi.output(config.prebuiltImage!);
  const workload = new InferenceService(service.name, {
    provider: platform.provider,
    gpu: platform.gpu,
    service,
    image,
    ...(platform.storageClassName ? { storageClassName: platform.storageClassName } : {}),
    secrets: { hfToken: secrets.hfToken, apiKeys: secrets.apiKeys },
    ...(platform.pullWithRegistryCredentials ? { pullCredentials: platform.registry } : {}),
    dependsOn: addons.ready,
  });
  return {
    endpoint: workload.endpoint,
    openaiBaseUrl: workload.openaiBaseUrl,
    playgroundUrl: workload.playgroundUrl,
    image,
    imageDigest: image.apply((ref) => ref.slice(ref.indexOf('@') + 1)),
    namespace: workload.namespace,
  };
}
