/**
 * The stack's settings as LlmEndpoint's args: the program deploys through the same public
 * component a library user does.
 */
import type * as pulumi from '@pulumi/pulumi';
import type { EndpointAddonsArgs, LlmEndpointArgs, LogLevel } from './components/llm-endpoint';
import type { StackInputs } from './config';
import type { AddonSettings } from './model';
import type { ClusterPlatform } from './platforms/types';

function addonsArgs(addons: AddonSettings, platform: ClusterPlatform): EndpointAddonsArgs {
  return {
    // GKE installs the NVIDIA drivers and device plugin itself.
    gpu: platform.provides.gpuDevicePlugin ? 'none' : addons.gpu,
    ingressNginx: addons.ingressNginx,
    ingressClass: addons.ingressClass,
    ingressServiceType: addons.ingressServiceType,
    certManager: addons.certManager,
    ...(addons.clusterIssuer
      ? { acmeEmail: addons.clusterIssuer.email, acmeServer: addons.clusterIssuer.server }
      : {}),
    keda: addons.keda,
    prometheus: addons.prometheus,
    // Read in milliseconds, kept in seconds.
    ttftSloMilliseconds: Math.round(addons.alerts.ttftSloSeconds * 1000),
  };
}

export function endpointArgs(
  platform: ClusterPlatform,
  inputs: StackInputs,
  image: pulumi.Input<string>,
): LlmEndpointArgs {
  const { config, secrets } = inputs;
  const { service } = config;
  const { model, ingress } = service;
  const storageClass = service.cache.storageClass ?? platform.storageClassName;
  return {
    provider: platform.provider,
    image,
    namespace: service.namespace,
    model: {
      id: model.id,
      revision: model.revision,
      servedName: model.servedName,
      dtype: model.dtype,
      ...(model.engine ? { engine: model.engine } : {}),
      ...(model.ggufFile ? { ggufFile: model.ggufFile } : {}),
      ...(model.quant ? { quant: model.quant } : {}),
    },
    runtime: service.runtime,
    ...(service.vllm ? { vllm: service.vllm } : {}),
    resources: service.resources,
    gpu: platform.gpu,
    modelCache: {
      kind: service.cache.kind,
      size: service.cache.size,
      ...(storageClass !== undefined ? { storageClass } : {}),
    },
    scaling: service.scaling,
    ...(ingress ? { ingress } : {}),
    allowAnonymous: config.allowAnonymous,
    secrets: {
      ...(secrets.hfToken ? { hfToken: secrets.hfToken } : {}),
      // config.ts keeps API keys one per line (the file format).
      ...(secrets.apiKeys ? { apiKeys: secrets.apiKeys.apply((keys) => keys.split('\n')) } : {}),
      ...(secrets.webhookSecret ? { webhookSecret: secrets.webhookSecret } : {}),
    },
    ...(platform.pullWithRegistryCredentials && platform.registry
      ? { imagePullCredentials: platform.registry }
      : {}),
    server: {
      modelLoadSeconds: service.modelLoadSeconds,
      shutdownGraceSeconds: service.shutdownGraceSeconds,
      maxConcurrent: service.maxConcurrent ?? 0,
      // config checked it is one of the levels.
      logLevel: service.logLevel as LogLevel,
      corsOrigins: service.corsOrigins,
    },
    ingressControllerNamespace: service.ingressControllerNamespace,
    monitoring: {
      prometheusNamespace: service.prometheusNamespace,
      serviceMonitor: service.serviceMonitor,
    },
    addons: addonsArgs(config.addons, platform),
  };
}
