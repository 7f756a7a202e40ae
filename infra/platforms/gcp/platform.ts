import * as gcp from '@pulumi/gcp';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems } from '../../model';
import { gcpGpuScheduling } from './scheduling';
import type { ClusterPlatform } from '../types';
import { resolveGcpArgs, type GcpPlatformArgs } from './args';
import { createGkeCluster, nodeServiceAccount } from './cluster';
import { gkeKubeconfig } from './kubeconfig';
import { createGkeNetwork } from './network';
import { gpuNodePool, systemNodePool } from './node-pools';
import { createArtifactRegistry } from './registry';
import { gcpArgProblems } from './validate';

/** APIs the platform calls; enabling is idempotent and left on at destroy. */
export const REQUIRED_SERVICES = [
  'compute.googleapis.com',
  'container.googleapis.com',
  'artifactregistry.googleapis.com',
];

function enableServices(
  name: string,
  project: string,
  opts: pulumi.CustomResourceOptions,
): gcp.projects.Service[] {
  return REQUIRED_SERVICES.map(
    (service) =>
      new gcp.projects.Service(
        `${name}-${service.split('.')[0]}`,
        { project, service, disableOnDestroy: false },
        opts,
      ),
  );
}

/**
 * A GKE Standard cluster ready for GPU inference: VPC-native network, release channel,
 * Workload Identity, optional private nodes with Cloud NAT, a system and a GPU node pool
 * (GKE-installed NVIDIA drivers, autoscaling from zero) under a least-privilege node service
 * account, and an Artifact Registry repository. Exposes the `ClusterPlatform`.
 */
export class GcpPlatform extends pulumi.ComponentResource {
  readonly platform: ClusterPlatform;
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig using `gke-gcloud-auth-plugin`; holds no credential. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: GcpPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoProblems('GcpPlatform', gcpArgProblems(args));
    // Formerly `llm-deploy:platforms:GcpPlatform`: the alias keeps existing stacks from replacing it.
    super(
      'llm-deploy:gcp:GcpPlatform',
      name,
      {},
      pulumi.mergeOptions(opts, { aliases: [{ type: 'llm-deploy:platforms:GcpPlatform' }] }),
    );
    const cfg = resolveGcpArgs(args);

    const gcpProvider = new gcp.Provider(
      `${name}-gcp`,
      { project: cfg.project, region: cfg.region, defaultLabels: cfg.labels },
      { parent: this },
    );
    const gcpOpts = { parent: this, provider: gcpProvider };
    const services = enableServices(name, cfg.project, gcpOpts);
    const afterServices = { ...gcpOpts, dependsOn: services };

    const network = createGkeNetwork(
      name,
      { ...cfg, clusterName: cfg.clusterName, cloudNat: cfg.privateNodes },
      afterServices,
    );
    const nodeAccount = nodeServiceAccount(name, cfg, afterServices);
    const cluster = createGkeCluster(name, cfg, network, afterServices);
    const poolArgs = { cluster, serviceAccountEmail: nodeAccount.email, config: cfg };
    const systemPool = systemNodePool(name, poolArgs, gcpOpts);
    const gpuPool = gpuNodePool(name, poolArgs, gcpOpts);
    const registry = createArtifactRegistry(
      name,
      cfg.registry,
      { region: cfg.region, nodeServiceAccountEmail: nodeAccount.email },
      afterServices,
    );

    this.kubeconfig = gkeKubeconfig(cluster);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: [systemPool, gpuPool] },
    );

    this.platform = {
      kind: 'gcp',
      provider,
      gpu: gcpGpuScheduling(cfg.gpuNodes.accelerator.type),
      registry: registry.target,
      // GKE's default StorageClass (standard-rwo, pd-balanced via the PD CSI driver).
      storageClassName: undefined,
      provides: { gpuDevicePlugin: true },
    };
    this.clusterName = cluster.name;
    this.repositoryUrl = pulumi.output(registry.target.repository);
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      repositoryUrl: this.repositoryUrl,
    });
  }
}
