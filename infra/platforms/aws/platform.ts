import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems } from '../../model';
import { awsGpuScheduling } from './scheduling';
import type { ClusterPlatform } from '../types';
import { resolveAwsArgs, type AwsPlatformArgs } from './args';
import { autoscaleNodeGroups } from './autoscaler';
import { accountFacts, createEks } from './eks';
import { eksKubeconfig } from './kubeconfig';
import { createRegistry } from './registry';
import { toGp3StorageClass } from './storage-class';
import { awsArgProblems } from './validate';

/**
 * An EKS cluster ready for GPU inference: VPC over two zones or more, a pinned control plane
 * with KMS-encrypted Secrets and IRSA, a system and a GPU managed node group scaled by the
 * Cluster Autoscaler, the EBS CSI driver with a gp3 StorageClass, and an ECR repository.
 * Exposes the `ClusterPlatform` the workload deploys onto.
 */
export class AwsPlatform extends pulumi.ComponentResource {
  readonly platform: ClusterPlatform;
  readonly clusterName: pulumi.Output<string>;
  /** Kubeconfig using `aws eks get-token`; holds no credential. */
  readonly kubeconfig: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  readonly repositoryUrl: pulumi.Output<string>;

  constructor(name: string, args: AwsPlatformArgs, opts?: pulumi.ComponentResourceOptions) {
    assertNoProblems('AwsPlatform', awsArgProblems(args));
    // Formerly `llm-deploy:platforms:AwsPlatform`: the alias keeps existing stacks from replacing it.
    super(
      'llm-deploy:aws:AwsPlatform',
      name,
      {},
      pulumi.mergeOptions(opts, { aliases: [{ type: 'llm-deploy:platforms:AwsPlatform' }] }),
    );
    const cfg = resolveAwsArgs(args);
    const tags = { ...cfg.tags, 'llm-deploy/cluster': cfg.clusterName };
    const awsProvider = new aws.Provider(
      `${name}-aws`,
      { region: cfg.region, defaultTags: { tags } },
      { parent: this },
    );
    const awsOpts = { parent: this, provider: awsProvider };
    const account = accountFacts(awsOpts);
    const eks = createEks(name, cfg, account, awsOpts);
    const registry = createRegistry(name, cfg.registry, awsOpts);

    this.kubeconfig = eksKubeconfig(eks.cluster, cfg.region);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: eks.ready },
    );
    const k8sOpts = { parent: this, provider };
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      toGp3StorageClass(),
      k8sOpts,
    );
    autoscaleNodeGroups(name, { cfg, account, eks }, awsOpts, k8sOpts);

    this.platform = {
      kind: 'aws',
      provider,
      gpu: awsGpuScheduling(),
      registry: registry.target,
      storageClassName: storageClass.metadata.name,
      // The NVIDIA AMI has the driver and container toolkit; the device plugin is an add-on.
      provides: { gpuDevicePlugin: false },
    };
    this.clusterName = eks.cluster.name;
    this.vpcId = eks.network.vpc.id;
    this.repositoryUrl = registry.repository.repositoryUrl;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      vpcId: this.vpcId,
      repositoryUrl: this.repositoryUrl,
    });
  }
}
