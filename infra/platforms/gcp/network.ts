import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';

export const PODS_RANGE = 'pods';
export const SERVICES_RANGE = 'services';

export interface GkeNetworkArgs {
  clusterName: string;
  region: string;
  nodesCidr: string;
  podsCidr: string;
  servicesCidr: string;
  /** Private nodes have no external IP: give them Cloud NAT for egress (Hugging Face, pulls). */
  cloudNat: boolean;
}

export interface GkeNetwork {
  network: gcp.compute.Network;
  subnetwork: gcp.compute.Subnetwork;
}

/**
 * A custom-mode VPC with one subnetwork: nodes on the primary range, pods and services on
 * secondary ranges (VPC-native cluster), Private Google Access for Google APIs.
 */
export function createGkeNetwork(
  name: string,
  args: GkeNetworkArgs,
  opts: pulumi.CustomResourceOptions,
): GkeNetwork {
  const network = new gcp.compute.Network(
    `${name}-vpc`,
    { name: `${args.clusterName}-vpc`, autoCreateSubnetworks: false },
    opts,
  );
  const withNetwork = { ...opts, parent: network };
  const subnetwork = new gcp.compute.Subnetwork(
    `${name}-nodes`,
    {
      name: `${args.clusterName}-nodes`,
      network: network.id,
      region: args.region,
      ipCidrRange: args.nodesCidr,
      privateIpGoogleAccess: true,
      secondaryIpRanges: [
        { rangeName: PODS_RANGE, ipCidrRange: args.podsCidr },
        { rangeName: SERVICES_RANGE, ipCidrRange: args.servicesCidr },
      ],
    },
    withNetwork,
  );
  if (args.cloudNat) {
    const router = new gcp.compute.Router(
      `${name}-router`,
      { name: `${args.clusterName}-router`, network: network.id, region: args.region },
      withNetwork,
    );
    new gcp.compute.RouterNat(
      `${name}-nat`,
      {
        name: `${args.clusterName}-nat`,
        router: router.name,
        region: args.region,
        natIpAllocateOption: 'AUTO_ONLY',
        sourceSubnetworkIpRangesToNat: 'ALL_SUBNETWORKS_ALL_IP_RANGES',
      },
      { ...opts, parent: router },
    );
  }
  return { network, subnetwork };
}
