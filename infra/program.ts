import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ClusterAddons } from './components/cluster-addons';
import { CPU_DOCKERFILE, CUDA_DOCKERFILE, Image, REPOSITORY_ROOT } from './components/image';
import { InferenceService } from './components/inference-service';
import type { StackInputs } from './config';
import type { CostEstimate } from './lib/pricing';
import { contextDigest } from './lib/context-digest';
import { AwsPlatform } from './platforms/aws';
import { EdgeService } from './components/edge-service';
import { GcpPlatform } from './platforms/gcp';
import { OnPremCluster } from './platforms/onprem';
import type { ClusterPlatform } from './platforms/types';

export interface StackOutputs {
  endpoint: pulumi.Output<string>;
  openaiBaseUrl: pulumi.Output<string>;
  playgroundUrl: pulumi.Output<string>;
  /** `repository@sha256:...` the pods run (edge: the local image name). */
  image: pulumi.Output<string>;
  /** `sha256:...` (edge: the local image id). */
  imageDigest: pulumi.Output<string>;
  /** Kubernetes targets only. */
  namespace?: pulumi.Output<string>;
  /** The cluster llm-deploy created (aws, gcp). */
  clusterName?: pulumi.Output<string>;
  /** Hourly and monthly cost at the replica bounds, known before `pulumi up`. */
  costEstimate: pulumi.Output<CostEstimate>;
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
    case 'aws': {
      const aws = new AwsPlatform('aws', config.aws!);
      const tag = buildTag(config.service.resources.gpus > 0);
      return { ...deployOnCluster(aws.platform, inputs, tag), clusterName: aws.clusterName };
    }
    case 'gcp': {
      const gcp = new GcpPlatform('gcp', config.gcp!);
      const tag = buildTag(config.service.resources.gpus > 0);
      return { ...deployOnCluster(gcp.platform, inputs, tag), clusterName: gcp.clusterName };
    }
    case 'edge':
      return deployOnEdge(inputs);
  }
}

/**
 * ECR and Artifact Registry keep tags immutable, so each build needs its own tag: the stack name
 * and the build context's digest (a rebuild of the same tree reuses it).
 */
function buildTag(cuda: boolean): string {
  const dockerfile = path.join(REPOSITORY_ROOT, cuda ? CUDA_DOCKERFILE : CPU_DOCKERFILE);
  return `${pulumi.getStack()}-${contextDigest(REPOSITORY_ROOT, dockerfile).slice(0, 12)}`;
}

/** What every Kubernetes target shares once its platform has handed over a cluster. */
export function deployOnCluster(
  platform: ClusterPlatform,
  inputs: StackInputs,
  imageTag: string = pulumi.getStack(),
): StackOutputs {
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
        tag: imageTag,
      });
  const image = built?.ref ?? pulumi.output(config.prebuiltImage!);
  const workload = new InferenceService(service.name, {
    provider: platform.provider,
    gpu: platform.gpu,
    service,
    image,
    ...(platform.storageClassName ? { storageClassName: platform.storageClassName } : {}),
    secrets: {
      hfToken: secrets.hfToken,
      apiKeys: secrets.apiKeys,
      webhookSecret: secrets.webhookSecret,
    },
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
    costEstimate: pulumi.output(config.cost),
  };
}

/** The edge target: one container on a Docker host, the secrets passed as secret env. */
function deployOnEdge(inputs: StackInputs): StackOutputs {
  const { config, secrets } = inputs;
  const { service: args, pullRegistry } = config.edge!;
  const image =
    pullRegistry && args.image && 'pull' in args.image
      ? {
          pull: {
            ...args.image.pull,
            registry: { ...pullRegistry, password: secrets.registryPassword! },
          },
        }
      : args.image;
  const secretEnv: Record<string, pulumi.Output<string>> = {
    ...(secrets.hfToken ? { HF_TOKEN: secrets.hfToken } : {}),
    ...(secrets.webhookSecret ? { WEBHOOK_SECRET: secrets.webhookSecret } : {}),
    // config.ts keeps API keys one per line (the file format); the env takes them comma-separated.
    ...(secrets.apiKeys
      ? { API_KEYS: secrets.apiKeys.apply((keys) => keys.split('\n').join(',')) }
      : {}),
  };
  const edge = new EdgeService(config.service.name, { ...args, image, secretEnv });
  return {
    endpoint: edge.url,
    openaiBaseUrl: edge.url.apply((url) => `${url}/v1`),
    playgroundUrl: edge.url.apply((url) => `${url}/`),
    image: edge.imageRef,
    imageDigest: edge.imageId,
    costEstimate: pulumi.output(config.cost),
  };
}
