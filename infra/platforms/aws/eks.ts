import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { ebsCsiAddon, vpcCniAddon } from './addons';
import type { ResolvedAwsPlatformArgs } from './args';
import { createCluster } from './cluster';
import { createNetwork, type Network } from './network';
import { createNodeGroups, type NodeGroups } from './node-groups';

/** Account facts the ARNs need. */
export interface AccountFacts {
  partition: pulumi.Output<string>;
  accountId: pulumi.Output<string>;
}

export function accountFacts(opts: pulumi.InvokeOutputOptions): AccountFacts {
  return {
    partition: aws.getPartitionOutput({}, opts).partition,
    accountId: aws.getCallerIdentityOutput({}, opts).accountId,
  };
}

function firstTwoZones(opts: pulumi.InvokeOutputOptions): pulumi.Output<string>[] {
  const names = aws.getAvailabilityZonesOutput({ state: 'available' }, opts).names;
  return [0, 1].map((i) => names.apply((all) => all?.[i] ?? ''));
}

export interface Eks {
  network: Network;
  cluster: aws.eks.Cluster;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  nodes: NodeGroups;
  /** Ready once nodes run and the EBS CSI driver is active. */
  ready: pulumi.Resource[];
}

/** Network, control plane, CNI, node groups and the EBS CSI driver, in the order they need. */
export function createEks(
  name: string,
  cfg: ResolvedAwsPlatformArgs,
  account: AccountFacts,
  opts: pulumi.CustomResourceOptions & { provider: aws.Provider },
): Eks {
  const network = createNetwork(
    name,
    {
      clusterName: cfg.clusterName,
      vpcCidr: cfg.vpcCidr,
      zones:
        cfg.availabilityZones ?? firstTwoZones({ parent: opts.parent, provider: opts.provider }),
      natGateways: cfg.nodesInPublicSubnets ? 'none' : cfg.natGateways,
    },
    opts,
  );
  const { cluster, oidcProvider } = createCluster(
    name,
    {
      clusterName: cfg.clusterName,
      kubernetesVersion: cfg.kubernetesVersion,
      partition: account.partition,
      subnetIds: [...network.privateSubnets, ...network.publicSubnets].map((s) => s.id),
      endpointAccess: cfg.endpointAccess,
    },
    opts,
  );
  const addonArgs = { cluster, oidcProvider, partition: account.partition };
  const vpcCni = vpcCniAddon(name, addonArgs, opts);
  const nodeSubnets = cfg.nodesInPublicSubnets ? network.publicSubnets : network.privateSubnets;
  const nodes = createNodeGroups(
    name,
    {
      clusterName: cluster.name,
      kubernetesVersion: cfg.kubernetesVersion,
      partition: account.partition,
      subnetIds: nodeSubnets.map((s) => s.id),
      system: cfg.systemNodes,
      gpu: cfg.gpuNodes,
      tags: { ...cfg.tags, 'llm-deploy/cluster': cfg.clusterName },
      dependsOn: [vpcCni],
    },
    opts,
  );
  const ebsCsi = ebsCsiAddon(name, addonArgs, { ...opts, dependsOn: [nodes.system] });
  return { network, cluster, oidcProvider, nodes, ready: [nodes.system, ebsCsi] };
}
