import * as pulumi from '@pulumi/pulumi';
import { ClusterAddons } from '../cluster-addons';
import { InferenceService } from '../inference-service';
import { addonSettings, alertThresholds } from './addons';
import type { LlmEndpointArgs } from './args';
import { DEFAULT_GPU_SCHEDULING } from './defaults';
import { apiKeysFile, checkedEndpointSettings } from './checks';

/** The args as the component's state shows them: every credential a secret, no provider. */
function stateOf(args: LlmEndpointArgs): pulumi.Inputs {
  const { secrets, imagePullCredentials, ...rest }: Partial<LlmEndpointArgs> = { ...args };
  // The provider is in the resource options; as an input it would only repeat its URN.
  delete rest.provider;
  return {
    ...rest,
    ...(secrets
      ? {
          secrets: {
            ...(secrets.hfToken !== undefined ? { hfToken: pulumi.secret(secrets.hfToken) } : {}),
            ...(secrets.apiKeys !== undefined ? { apiKeys: pulumi.secret(secrets.apiKeys) } : {}),
            ...(secrets.webhookSecret !== undefined
              ? { webhookSecret: pulumi.secret(secrets.webhookSecret) }
              : {}),
          },
        }
      : {}),
    ...(imagePullCredentials
      ? {
          imagePullCredentials: {
            ...imagePullCredentials,
            password: pulumi.secret(imagePullCredentials.password),
          },
        }
      : {}),
  };
}

/**
 * An LLM endpoint on any Kubernetes cluster: the inference server's Deployment with probes sized
 * for model loading, its Service, autoscaler, disruption budget, NetworkPolicy, optional Ingress
 * with TLS and model cache claim, the Secret made from Pulumi secrets, and optionally the
 * cluster add-ons it relies on. The objects come from the same plain functions as
 * `npm run render`.
 */
export class LlmEndpoint extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** `https://<host>` with an ingress, else the in-cluster URL. */
  readonly endpoint: pulumi.Output<string>;
  /** The Service's in-cluster URL (`http://<name>.<namespace>.svc.cluster.local:8080`). */
  readonly internalUrl: pulumi.Output<string>;
  /** OpenAI-compatible base URL (`<endpoint>/v1`). */
  readonly openaiBaseUrl: pulumi.Output<string>;
  readonly playgroundUrl: pulumi.Output<string>;
  /** What the Kubernetes objects wait for: the add-ons' releases, when the endpoint installs them. */
  readonly addonsReady: pulumi.Resource[];

  constructor(name: string, args: LlmEndpointArgs, opts?: pulumi.ComponentResourceOptions) {
    const settings = checkedEndpointSettings(name, args);
    super('llm-deploy:llm-endpoint:LlmEndpoint', name, stateOf(args), opts);

    const gpu = args.gpu ?? DEFAULT_GPU_SCHEDULING;
    // ClusterAddons and InferenceService were the program's top-level resources before this
    // component grouped them: the aliases keep those stacks' resources in place.
    const addonsSettings = args.addons && addonSettings(args.addons, settings.shape);
    const addons = addonsSettings
      ? new ClusterAddons(
          `${name}-addons`,
          {
            provider: args.provider,
            settings: addonsSettings,
            alerts: settings.values.apply((values) => alertThresholds(args.addons!, values)),
            gpu,
            needsGpuPlugin: settings.shape.resources.gpus > 0,
            ingressClass: addonsSettings.ingressClass,
            ingressNamespace: settings.shape.ingressControllerNamespace,
          },
          { parent: this, aliases: [{ name: 'addons', parent: pulumi.rootStackResource }] },
        )
      : undefined;
    const { hfToken, apiKeys, webhookSecret } = args.secrets ?? {};
    const service = new InferenceService(
      name,
      {
        provider: args.provider,
        gpu,
        service: settings.shape,
        serviceValues: settings.values,
        image: args.image,
        ...(args.modelCache?.storageClass !== undefined
          ? { storageClassName: args.modelCache.storageClass }
          : {}),
        secrets: {
          ...(hfToken !== undefined ? { hfToken: pulumi.secret(hfToken) } : {}),
          ...(apiKeys !== undefined ? { apiKeys: apiKeysFile(name, apiKeys) } : {}),
          ...(webhookSecret !== undefined ? { webhookSecret: pulumi.secret(webhookSecret) } : {}),
        },
        ...(args.imagePullCredentials ? { pullCredentials: args.imagePullCredentials } : {}),
        dependsOn: addons?.ready,
      },
      { parent: this, aliases: [{ parent: pulumi.rootStackResource }] },
    );
    this.addonsReady = addons?.ready ?? [];
    this.namespace = service.namespace;
    this.endpoint = service.endpoint;
    this.internalUrl = service.internalUrl;
    this.openaiBaseUrl = service.openaiBaseUrl;
    this.playgroundUrl = service.playgroundUrl;
    this.registerOutputs({
      namespace: this.namespace,
      endpoint: this.endpoint,
      internalUrl: this.internalUrl,
      openaiBaseUrl: this.openaiBaseUrl,
      playgroundUrl: this.playgroundUrl,
    });
  }
}
