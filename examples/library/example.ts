/**
 * An LLM endpoint added to a cluster with the llm-deploy component library: the cluster is an
 * existing one (a kubeconfig) or a new EKS cluster, and the endpoint is one `LlmEndpoint`.
 * `index.ts` runs it as a Pulumi program; an Automation API inline program can call
 * `deployExample` directly.
 */
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { LlmEndpoint, type GpuScheduling } from 'llm-deploy';
import { AwsPlatform } from 'llm-deploy/aws';

export interface ExampleOptions {
  /** The server image, pinned by digest. */
  image: pulumi.Input<string>;
  /** `existing`: the cluster `kubeconfig` reaches; `eks`: create one in `awsRegion`. */
  cluster: 'existing' | 'eks';
  /** Kubeconfig content or path of the existing cluster; undefined uses KUBECONFIG. */
  kubeconfig?: pulumi.Input<string>;
  /** Region of the EKS cluster. */
  awsRegion?: string;
  /** Hugging Face Hub id; undefined serves the image's embedded model. */
  model?: pulumi.Input<string>;
  /** API keys clients must send; undefined lets anyone in the cluster call it. */
  apiKeys?: pulumi.Input<string>[];
}

export interface ExampleOutputs {
  endpoint: pulumi.Output<string>;
  openaiBaseUrl: pulumi.Output<string>;
  namespace: pulumi.Output<string>;
  clusterName?: pulumi.Output<string>;
}

function eksCluster(region: string): {
  provider: k8s.Provider;
  gpu: GpuScheduling;
  name: pulumi.Output<string>;
} {
  const eks = new AwsPlatform('eks', {
    region,
    clusterName: 'llm-example',
    kubernetesVersion: '1.33',
    systemNodes: { instanceTypes: ['m6i.large'], minSize: 1, maxSize: 2, diskSizeGiB: 50 },
    gpuNodes: { instanceTypes: ['g6.xlarge'], minSize: 0, maxSize: 1, diskSizeGiB: 100 },
  });
  return { provider: eks.provider, gpu: eks.platform.gpu, name: eks.clusterName };
}

export function deployExample(options: ExampleOptions): ExampleOutputs {
  const cluster =
    options.cluster === 'eks'
      ? eksCluster(options.awsRegion ?? 'us-east-1')
      : {
          provider: new k8s.Provider('cluster', {
            ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
          }),
        };
  const endpoint = new LlmEndpoint('llm', {
    provider: cluster.provider,
    image: options.image,
    ...('gpu' in cluster ? { gpu: cluster.gpu } : {}),
    model: { ...(options.model !== undefined ? { id: options.model } : {}), servedName: 'example' },
    resources: { cpuRequest: '500m', cpuLimit: '1', memoryRequest: '1Gi', memoryLimit: '2Gi' },
    // CPU autoscaling needs no KEDA or Prometheus: the cluster's metrics server is enough.
    scaling: { autoscaler: 'hpa', minReplicas: 1, maxReplicas: 2 },
    ...(options.apiKeys ? { secrets: { apiKeys: options.apiKeys } } : {}),
    // A new EKS cluster has none of the add-ons; the endpoint needs no Ingress or KEDA here.
    ...(options.cluster === 'eks'
      ? { addons: { ingressNginx: false, certManager: false, keda: false } }
      : {}),
  });
  return {
    endpoint: endpoint.endpoint,
    openaiBaseUrl: endpoint.openaiBaseUrl,
    namespace: endpoint.namespace,
    ...('name' in cluster ? { clusterName: cluster.name } : {}),
  };
}
