import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { assertNoProblems } from '../args-error';
import type { ClusterPlatform } from '../types';
import { resolveAwsArgs, type AwsPlatformArgs } from './args';
import { ebsCsiAddon, vpcCniAddon } from './addons';
import { clusterAutoscaler } from './autoscaler';
import { createCluster } from './cluster';
import { autoScalingGroupArn } from './iam';
import { eksKubeconfig } from './kubeconfig';
import { createNetwork } from './network';
import { GPU_RESOURCE, GPU_TAINT, POOL_LABEL } from '../node-pools';
import { createNodeGroups } from './node-groups';
import { createRegistry } from './registry';
import { toGp3StorageClass } from './storage-class';
import { awsArgProblems } from './validate';

function firstTwoZones(opts: pulumi.InvokeOutputOptions): pulumi.Output<string>[] {
  const names = aws.getAvailabilityZonesOutput({ state: 'available' }, opts).names;
  return [0, 1].map((i) => names.apply((all) => all?.[i] ?? ''));
}

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
    super('llm-deploy:platforms:AwsPlatform', name, {}, opts);
    const cfg = resolveAwsArgs(args);

    const awsProvider = new aws.Provider(
      `${name}-aws`,
      {
        region: cfg.region,
        defaultTags: { tags: { ...cfg.tags, 'llm-deploy/cluster': cfg.clusterName } },
      },
      { parent: this },
    );
    const awsOpts = { parent: this, provider: awsProvider };
    const invokeOpts = { parent: this, provider: awsProvider };
    const partition = aws.getPartitionOutput({}, invokeOpts).partition;
    const accountId = aws.getCallerIdentityOutput({}, invokeOpts).accountId;
    const zones = cfg.availabilityZones ?? firstTwoZones(invokeOpts);

    const network = createNetwork(
      name,
      {
        clusterName: cfg.clusterName,
        vpcCidr: cfg.vpcCidr,
        zones,
        natGateways: cfg.nodesInPublicSubnets ? 'none' : cfg.natGateways,
      },
      awsOpts,
    );
    const { cluster, oidcProvider } = createCluster(
      name,
      {
        clusterName: cfg.clusterName,
        kubernetesVersion: cfg.kubernetesVersion,
        partition,
        subnetIds: [...network.privateSubnets, ...network.publicSubnets].map((s) => s.id),
        endpointAccess: cfg.endpointAccess,
      },
      awsOpts,
    );
    const addonArgs = { cluster, oidcProvider, partition };
    const vpcCni = vpcCniAddon(name, addonArgs, awsOpts);
    const nodeSubnets = cfg.nodesInPublicSubnets ? network.publicSubnets : network.privateSubnets;
    const nodes = createNodeGroups(
      name,
      {
        clusterName: cluster.name,
        kubernetesVersion: cfg.kubernetesVersion,
        partition,
        subnetIds: nodeSubnets.map((s) => s.id),
        system: cfg.systemNodes,
        gpu: cfg.gpuNodes,
        tags: { ...cfg.tags, 'llm-deploy/cluster': cfg.clusterName },
        dependsOn: [vpcCni],
      },
      awsOpts,
    );
    const ebsCsi = ebsCsiAddon(name, addonArgs, { ...awsOpts, dependsOn: [nodes.system] });
    const registry = createRegistry(name, cfg.registry, awsOpts);

    this.kubeconfig = eksKubeconfig(cluster, cfg.region);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: [nodes.system, ebsCsi] },
    );
    const k8sOpts = { parent: this, provider };
    const storageClass = new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      toGp3StorageClass(),
      k8sOpts,
    );

    const groups = [nodes.system, nodes.gpu];
    clusterAutoscaler(
      name,
      {
        clusterName: cfg.clusterName,
        region: cfg.region,
        partition,
        oidcProvider,
        autoScalingGroupArns: groups.map((group) =>
          autoScalingGroupArn(
            partition,
            cfg.region,
            accountId,
            group.resources.apply((r) => r?.[0]?.autoscalingGroups?.[0]?.name ?? ''),
          ),
        ),
        nodeGroupArns: groups.map((group) => group.arn),
        ...cfg.clusterAutoscaler,
      },
      awsOpts,
      k8sOpts,
    );

    this.platform = {
      kind: 'aws',
      provider,
      gpu: {
        resourceName: GPU_RESOURCE,
        nodeSelector: { [POOL_LABEL]: 'gpu' },
        taints: [{ ...GPU_TAINT }],
      },
      registry: registry.target,
      storageClassName: storageClass.metadata.name,
      // The NVIDIA AMI has the driver and container toolkit; the device plugin is an add-on.
      provides: { gpuDevicePlugin: false },
    };
    this.clusterName = cluster.name;
    this.vpcId = network.vpc.id;
    this.repositoryUrl = registry.repository.repositoryUrl;
    this.registerOutputs({
      clusterName: this.clusterName,
      kubeconfig: this.kubeconfig,
      vpcId: this.vpcId,
      repositoryUrl: this.repositoryUrl,
    });
  }
}
