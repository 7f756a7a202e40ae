import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import type { ResolvedGcpPlatformArgs } from './args';
import { PODS_RANGE, SERVICES_RANGE, type GkeNetwork } from './network';

/** The one project role GKE nodes need (logs, metrics, their own metadata). */
export const NODE_PROJECT_ROLE = 'roles/container.defaultNodeServiceAccount';

/**
 * A dedicated node service account (never the Compute Engine default, which is Editor) with the
 * minimal node role; image pulls are granted on the one repository elsewhere.
 */
export function nodeServiceAccount(
  name: string,
  args: ResolvedGcpPlatformArgs,
  opts: pulumi.CustomResourceOptions,
): gcp.serviceaccount.Account {
  const account = new gcp.serviceaccount.Account(
    `${name}-nodes`,
    {
      accountId: `${args.clusterName}-nodes`.slice(0, 30).replace(/-$/, ''),
      displayName: `GKE nodes of ${args.clusterName}`,
    },
    opts,
  );
  new gcp.projects.IAMMember(
    `${name}-nodes-role`,
    {
      project: args.project,
      role: NODE_PROJECT_ROLE,
      member: pulumi.interpolate`serviceAccount:${account.email}`,
    },
    { ...opts, parent: account },
  );
  return account;
}

/**
 * GKE Standard, VPC-native, on a release channel, with Workload Identity (pods get Google
 * identities per service account, nodes expose no metadata credentials) and optional private
 * nodes. The default node pool is removed; llm-deploy's pools replace it.
 */
export function createGkeCluster(
  name: string,
  args: ResolvedGcpPlatformArgs,
  network: GkeNetwork,
  opts: pulumi.CustomResourceOptions,
): gcp.container.Cluster {
  return new gcp.container.Cluster(
    `${name}-gke`,
    {
      name: args.clusterName,
      location: args.location,
      network: network.network.id,
      subnetwork: network.subnetwork.id,
      networkingMode: 'VPC_NATIVE',
      ipAllocationPolicy: {
        clusterSecondaryRangeName: PODS_RANGE,
        servicesSecondaryRangeName: SERVICES_RANGE,
      },
      removeDefaultNodePool: true,
      initialNodeCount: 1,
      releaseChannel: { channel: args.releaseChannel },
      workloadIdentityConfig: { workloadPool: `${args.project}.svc.id.goog` },
      privateClusterConfig: args.privateNodes
        ? {
            enablePrivateNodes: true,
            enablePrivateEndpoint: false,
            masterIpv4CidrBlock: args.masterCidr,
          }
        : undefined,
      masterAuthorizedNetworksConfig:
        args.masterAuthorizedCidrs.length > 0
          ? { cidrBlocks: args.masterAuthorizedCidrs.map((cidrBlock) => ({ cidrBlock })) }
          : undefined,
      addonsConfig: { gcePersistentDiskCsiDriverConfig: { enabled: true } },
      deletionProtection: args.deletionProtection,
      resourceLabels: args.labels,
    },
    opts,
  );
}
