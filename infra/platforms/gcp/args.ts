import type { Capacity } from '../../lib/pricing';

/** A GKE node pool's machines and autoscaling bounds (totals across its zones). */
export interface GcpNodePoolArgs {
  /** Compute Engine machine type, e.g. `e2-standard-4` or `g2-standard-4`. */
  machineType: string;
  /** Fewest nodes the autoscaler keeps, across all zones. GPU pools may use 0. */
  minNodes: number;
  /** Most nodes the autoscaler may run, across all zones. */
  maxNodes: number;
  /** Boot disk (pd-balanced) in GiB: images plus, for GPU nodes, model weights. */
  diskSizeGiB: number;
  /** @default 'on-demand' */
  capacity?: Capacity;
  /** Zones for the pool's nodes. @default the cluster's zones */
  zones?: string[];
  /** Extra Kubernetes node labels. @default {} */
  labels?: Record<string, string>;
}

/** A GPU node pool: GKE installs the NVIDIA driver and device plugin itself. */
export interface GcpGpuNodePoolArgs extends GcpNodePoolArgs {
  /** Accelerator type and count per node, e.g. `{ type: 'nvidia-l4', count: 1 }` on G2. */
  accelerator: { type: string; count: number };
  /** Driver GKE installs: the default for the node version, or the latest. @default 'DEFAULT' */
  driverVersion?: 'DEFAULT' | 'LATEST';
}

export interface GcpRegistryArgs {
  /** Artifact Registry repository id; one per stack, so stacks in one project do not collide. @default clusterName */
  repositoryId?: string;
  /** Untagged images are deleted after this many days. @default 7 */
  untaggedExpiryDays?: number;
  /** Tagged images kept; older ones are deleted. @default 30 */
  keepTaggedImages?: number;
}

/** Args of `GcpPlatform`, checked when it is constructed (as a stack's `llm-deploy:gcp` is). */
export interface GcpPlatformArgs {
  /** Google Cloud project id. */
  project: string;
  /** Region for the network, registry and (by default) a regional cluster, e.g. `us-central1`. */
  region: string;
  /** GKE cluster name. */
  clusterName: string;
  /** A zone (zonal cluster) or the region (regional control plane). @default region */
  location?: string;
  /** GKE release channel; GKE upgrades the cluster within it. @default 'REGULAR' */
  releaseChannel?: 'RAPID' | 'REGULAR' | 'STABLE';
  /** Primary range of the subnetwork (nodes). @default '10.10.0.0/20' */
  nodesCidr?: string;
  /** Secondary range for pods. @default '10.16.0.0/14' */
  podsCidr?: string;
  /** Secondary range for services. @default '10.20.0.0/20' */
  servicesCidr?: string;
  /** Nodes without external IPs, reaching out through Cloud NAT. @default false */
  privateNodes?: boolean;
  /** Control plane range for private nodes (a /28). @default '172.16.0.0/28' */
  masterCidr?: string;
  /** CIDRs allowed to reach the control plane; empty allows any. @default [] */
  masterAuthorizedCidrs?: string[];
  /** Refuse `pulumi destroy` of the cluster. @default false */
  deletionProtection?: boolean;
  /** CPU nodes for system pods (ingress, metrics). */
  systemNodes: GcpNodePoolArgs;
  /** GPU nodes for inference pods, tainted `nvidia.com/gpu=present:NoSchedule`. */
  gpuNodes: GcpGpuNodePoolArgs;
  /** @default repository `llm-deploy`, untagged kept 7 days, 30 tagged images */
  registry?: GcpRegistryArgs;
  /** Resource labels on every GCP resource that takes them. @default {} */
  labels?: Record<string, string>;
}

export type ResolvedGcpNodePoolArgs = Required<Omit<GcpNodePoolArgs, 'zones'>> & {
  zones?: string[];
};
export type ResolvedGcpPlatformArgs = Required<
  Omit<GcpPlatformArgs, 'systemNodes' | 'gpuNodes' | 'registry'>
> & {
  systemNodes: ResolvedGcpNodePoolArgs;
  gpuNodes: ResolvedGcpNodePoolArgs &
    Required<Pick<GcpGpuNodePoolArgs, 'accelerator' | 'driverVersion'>>;
  registry: Required<GcpRegistryArgs>;
};

function resolvePool<T extends GcpNodePoolArgs>(pool: T): T & ResolvedGcpNodePoolArgs {
  return { ...pool, capacity: pool.capacity ?? 'on-demand', labels: pool.labels ?? {} };
}

export function resolveGcpArgs(args: GcpPlatformArgs): ResolvedGcpPlatformArgs {
  return {
    ...args,
    location: args.location ?? args.region,
    releaseChannel: args.releaseChannel ?? 'REGULAR',
    nodesCidr: args.nodesCidr ?? '10.10.0.0/20',
    podsCidr: args.podsCidr ?? '10.16.0.0/14',
    servicesCidr: args.servicesCidr ?? '10.20.0.0/20',
    privateNodes: args.privateNodes ?? false,
    masterCidr: args.masterCidr ?? '172.16.0.0/28',
    masterAuthorizedCidrs: args.masterAuthorizedCidrs ?? [],
    deletionProtection: args.deletionProtection ?? false,
    systemNodes: resolvePool(args.systemNodes),
    gpuNodes: {
      ...resolvePool(args.gpuNodes),
      driverVersion: args.gpuNodes.driverVersion ?? 'DEFAULT',
    },
    registry: {
      repositoryId: args.registry?.repositoryId ?? args.clusterName,
      untaggedExpiryDays: args.registry?.untaggedExpiryDays ?? 7,
      keepTaggedImages: args.registry?.keepTaggedImages ?? 30,
    },
    labels: args.labels ?? {},
  };
}
