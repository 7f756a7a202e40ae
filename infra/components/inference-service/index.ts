import type * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { GpuScheduling, ServiceSettings } from '../../model';
import { serviceNames } from '../../lib/naming';
import {
  dockerConfigJson,
  HTTP_PORT,
  planInferenceObjects,
  toRegistrySecret,
  toSecret,
  type InferenceSpec,
} from '../../manifests';
import type { RegistryTarget } from '../../platforms/types';
import { kubeResource } from './kube-resource';

export interface InferenceServiceArgs {
  /** The cluster to deploy to. */
  provider: k8s.Provider;
  /** The platform's GPU node labels and taints; used only when the service requests GPUs. */
  gpu: GpuScheduling;
  /** Validated service settings (infra/config). */
  service: ServiceSettings;
  /** Image reference pinned by digest; a new digest rolls the Deployment, nothing else. */
  image: pulumi.Input<string>;
  /** StorageClass for the model cache PVC. @default the cluster's default class */
  storageClassName?: pulumi.Input<string>;
  /** Secret values; each must be a Pulumi secret. */
  secrets: {
    hfToken?: pulumi.Output<string>;
    apiKeys?: pulumi.Output<string>;
    webhookSecret?: pulumi.Output<string>;
  };
  /** Registry credentials the pods pull with; undefined when nodes pull on their own. */
  pullCredentials?: RegistryTarget;
  /** Resources that must exist first (the add-ons that install the CRDs and controllers). */
  dependsOn?: pulumi.Input<pulumi.Resource>[];
}

const PLACEHOLDER_IMAGE = 'placeholder@sha256:' + '0'.repeat(64);

/**
 * A model endpoint on any Kubernetes cluster: the objects of planInferenceObjects, each a
 * resource, plus the Secret created from Pulumi secrets.
 */
export class InferenceService extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Public https URL with a host, else the in-cluster URL. */
  readonly endpoint: pulumi.Output<string>;
  readonly openaiBaseUrl: pulumi.Output<string>;
  readonly playgroundUrl: pulumi.Output<string>;

  constructor(name: string, args: InferenceServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super('llm-deploy:inference-service:InferenceService', name, {}, opts);
    const baseSpec: InferenceSpec = {
      service: args.service,
      image: PLACEHOLDER_IMAGE,
      gpu: args.gpu,
      managedBy: 'pulumi',
      pullSecret: args.pullCredentials !== undefined,
    };
    const shapes = planInferenceObjects(baseSpec);
    const planned = pulumi
      .all([args.image, args.storageClassName])
      .apply(([image, storageClassName]) =>
        planInferenceObjects({
          ...baseSpec,
          image,
          ...(storageClassName ? { storageClassName } : {}),
        }),
      );
    const childOpts = { parent: this, provider: args.provider };
    const [namespaceShape, ...rest] = shapes;
    const namespace = kubeResource(
      `${name}-namespace`,
      namespaceShape,
      planned.apply((p) => p[0]),
      {
        ...childOpts,
        dependsOn: args.dependsOn,
      },
    );
    const secrets = this.createSecrets(name, baseSpec, args, {
      ...childOpts,
      dependsOn: [namespace],
    });
    const after = [namespace, ...secrets, ...((args.dependsOn ?? []) as pulumi.Resource[])];
    rest.forEach((shape, i) => {
      const logicalName = `${shape.metadata.name}-${shape.kind.toLowerCase()}`;
      kubeResource(
        logicalName,
        shape,
        planned.apply((p) => p[i + 1]),
        { ...childOpts, dependsOn: after },
      );
    });

    const names = serviceNames(args.service.name);
    const { ingress, namespace: namespaceName } = args.service;
    const endpoint = ingress
      ? `https://${ingress.host}`
      : `http://${names.workload}.${namespaceName}.svc.cluster.local:${HTTP_PORT}`;
    this.namespace = pulumi.output(namespaceName);
    this.endpoint = pulumi.output(endpoint);
    this.openaiBaseUrl = pulumi.output(`${endpoint}/v1`);
    this.playgroundUrl = pulumi.output(`${endpoint}/`);
    this.registerOutputs({
      namespace: this.namespace,
      endpoint: this.endpoint,
      openaiBaseUrl: this.openaiBaseUrl,
      playgroundUrl: this.playgroundUrl,
    });
  }

  private createSecrets(
    name: string,
    spec: InferenceSpec,
    args: InferenceServiceArgs,
    opts: pulumi.CustomResourceOptions,
  ): pulumi.CustomResource[] {
    const created: pulumi.CustomResource[] = [];
    const { hfToken, apiKeys, webhookSecret } = args.secrets;
    if (hfToken || apiKeys || webhookSecret) {
      const secret = toSecret(spec, { hfToken, apiKeys, webhookSecret });
      created.push(kubeResource(`${name}-secret`, secret, secret, opts));
    }
    if (args.pullCredentials) {
      const { server, username, password } = args.pullCredentials;
      const config = pulumi.secret(
        pulumi.all([server, username, password]).apply(([s, u, p]) => dockerConfigJson(s, u, p)),
      );
      const secret = toRegistrySecret(spec, config);
      created.push(kubeResource(`${name}-registry-secret`, secret, secret, opts));
    }
    return created;
  }
}
