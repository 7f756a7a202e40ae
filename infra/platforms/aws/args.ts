import type { Capacity } from '../../lib/pricing';

/** A managed node group's size and machines. */
export interface AwsNodeGroupArgs {
  /**
   * EC2 instance types, most preferred first (on-demand groups launch the first that has
   * capacity; spot groups pick the deepest pool). Costs are estimated on the first.
   */
  instanceTypes: string[];
  /** Fewest nodes the cluster autoscaler keeps. GPU groups may use 0. */
  minSize: number;
  /** Most nodes the cluster autoscaler may add. */
  maxSize: number;
  /**
   * Nodes at creation; the autoscaler owns the count afterwards (later changes are ignored).
   * @default minSize
   */
  desiredSize?: number;
  /** Root volume (gp3) in GiB: container images plus, for GPU nodes, model weights. */
  diskSizeGiB: number;
  /** @default 'on-demand' */
  capacity?: Capacity;
  /** Extra Kubernetes node labels. @default {} */
  labels?: Record<string, string>;
}

/** The EKS API endpoint's reachability. */
export interface AwsEndpointAccessArgs {
  /** Reachable from the internet (limited to `publicAccessCidrs`). @default true */
  publicAccess?: boolean;
  /** Reachable from inside the VPC. @default true */
  privateAccess?: boolean;
  /** CIDRs allowed to reach the public endpoint. @default ['0.0.0.0/0'] */
  publicAccessCidrs?: string[];
}

/** Args of `AwsPlatform`, checked when it is constructed (as a stack's `llm-deploy:aws` is). */
export interface AwsPlatformArgs {
  /** AWS region, e.g. `us-east-1`. */
  region: string;
  /** EKS cluster name (also tags subnets and scopes the autoscaler). */
  clusterName: string;
  /** Kubernetes minor version, pinned, e.g. `1.33`. */
  kubernetesVersion: string;
  /**
   * Availability zones for subnets (two at least).
   * @default the first two zones the region reports as available
   */
  availabilityZones?: string[];
  /** VPC CIDR; split into one private and one public subnet per zone. @default '10.0.0.0/16' */
  vpcCidr?: string;
  /**
   * One NAT gateway for the VPC, or one per zone (survives a zone outage). None are made when
   * nodes sit in public subnets.
   * @default 'single'
   */
  natGateways?: 'single' | 'perZone';
  /** @default public and private access, public from anywhere */
  endpointAccess?: AwsEndpointAccessArgs;
  /** Put nodes in public subnets with public IPs, and make no NAT gateway. @default false */
  nodesInPublicSubnets?: boolean;
  /** CPU nodes for system pods (autoscaler, ingress, metrics). */
  systemNodes: AwsNodeGroupArgs;
  /** GPU nodes for inference pods: NVIDIA AL2023 AMI, tainted `nvidia.com/gpu=present:NoSchedule`. */
  gpuNodes: AwsNodeGroupArgs;
  /** The ECR repository images are pushed to. */
  registry?: AwsRegistryArgs;
  /** @default chart 9.46.6 with the autoscaler release matching `kubernetesVersion` */
  clusterAutoscaler?: AwsClusterAutoscalerArgs;
  /** Tags on every AWS resource. @default {} */
  tags?: Record<string, string>;
}

export interface AwsRegistryArgs {
  /** ECR repository name; one per stack, so stacks in one account do not collide. @default `llm-deploy/<clusterName, lower case>` */
  repositoryName?: string;
  /** Untagged images are expired after this many days. @default 7 */
  untaggedExpiryDays?: number;
  /** Tagged images kept; older ones expire. @default 30 */
  keepTaggedImages?: number;
  /** Delete the repository with its images on `pulumi destroy`. @default false */
  forceDelete?: boolean;
}

export interface AwsClusterAutoscalerArgs {
  /** Helm chart version from https://kubernetes.github.io/autoscaler. @default '9.46.6' */
  chartVersion?: string;
  /** Autoscaler image tag; it must match the cluster's minor version. @default `v<kubernetesVersion>.0` */
  imageTag?: string;
}

/** Args with every default applied. */
export type ResolvedAwsPlatformArgs = Required<
  Omit<AwsPlatformArgs, 'availabilityZones' | 'systemNodes' | 'gpuNodes'>
> & {
  availabilityZones?: string[];
  endpointAccess: Required<AwsEndpointAccessArgs>;
  registry: Required<AwsRegistryArgs>;
  clusterAutoscaler: Required<AwsClusterAutoscalerArgs>;
  systemNodes: Required<AwsNodeGroupArgs>;
  gpuNodes: Required<AwsNodeGroupArgs>;
};

function resolveNodeGroup(group: AwsNodeGroupArgs): Required<AwsNodeGroupArgs> {
  return {
    ...group,
    desiredSize: group.desiredSize ?? group.minSize,
    capacity: group.capacity ?? 'on-demand',
    labels: group.labels ?? {},
  };
}

export function resolveAwsArgs(args: AwsPlatformArgs): ResolvedAwsPlatformArgs {
  return {
    ...args,
    vpcCidr: args.vpcCidr ?? '10.0.0.0/16',
    natGateways: args.natGateways ?? 'single',
    nodesInPublicSubnets: args.nodesInPublicSubnets ?? false,
    endpointAccess: {
      publicAccess: args.endpointAccess?.publicAccess ?? true,
      privateAccess: args.endpointAccess?.privateAccess ?? true,
      publicAccessCidrs: args.endpointAccess?.publicAccessCidrs ?? ['0.0.0.0/0'],
    },
    systemNodes: resolveNodeGroup(args.systemNodes),
    gpuNodes: resolveNodeGroup(args.gpuNodes),
    registry: {
      repositoryName:
        args.registry?.repositoryName ?? `llm-deploy/${args.clusterName.toLowerCase()}`,
      untaggedExpiryDays: args.registry?.untaggedExpiryDays ?? 7,
      keepTaggedImages: args.registry?.keepTaggedImages ?? 30,
      forceDelete: args.registry?.forceDelete ?? false,
    },
    clusterAutoscaler: {
      chartVersion: args.clusterAutoscaler?.chartVersion ?? '9.46.6',
      imageTag: args.clusterAutoscaler?.imageTag ?? `v${args.kubernetesVersion}.0`,
    },
    tags: args.tags ?? {},
  };
}
