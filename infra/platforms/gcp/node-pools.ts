import * as gcp from '@pulumi/gcp';
import * as pulumi from '@pulumi/pulumi';
import { GPU_TAINT, POOL_LABEL } from '../node-pools';
import type { ResolvedGcpNodePoolArgs, ResolvedGcpPlatformArgs } from './args';

export interface NodePoolsArgs {
  cluster: gcp.container.Cluster;
  serviceAccountEmail: pulumi.Input<string>;
  config: ResolvedGcpPlatformArgs;
}

function nodeConfig(pool: ResolvedGcpNodePoolArgs, args: NodePoolsArgs, gpu: boolean) {
  return {
    machineType: pool.machineType,
    diskSizeGb: pool.diskSizeGiB,
    diskType: 'pd-balanced',
    imageType: 'COS_CONTAINERD',
    spot: pool.capacity === 'spot',
    serviceAccount: args.serviceAccountEmail,
    oauthScopes: ['https://www.googleapis.com/auth/cloud-platform'],
    workloadMetadataConfig: { mode: 'GKE_METADATA' },
    shieldedInstanceConfig: { enableSecureBoot: true, enableIntegrityMonitoring: true },
    labels: { ...pool.labels, [POOL_LABEL]: gpu ? 'gpu' : 'system' },
    resourceLabels: args.config.labels,
  };
}

function autoscaled(pool: ResolvedGcpNodePoolArgs, locationPolicy: 'ANY' | 'BALANCED') {
  return {
    nodeLocations: pool.zones,
    // Per zone at creation; the autoscaler owns the count afterwards.
    initialNodeCount: pool.minNodes > 0 ? 1 : 0,
    autoscaling: {
      totalMinNodeCount: pool.minNodes,
      totalMaxNodeCount: pool.maxNodes,
      locationPolicy,
    },
    management: { autoRepair: true, autoUpgrade: true },
  };
}

/** The system pool (CPU, spread evenly over zones). */
export function systemNodePool(
  name: string,
  args: NodePoolsArgs,
  opts: pulumi.CustomResourceOptions,
): gcp.container.NodePool {
  const pool = args.config.systemNodes;
  return new gcp.container.NodePool(
    `${name}-system`,
    {
      cluster: args.cluster.name,
      location: args.cluster.location,
      ...autoscaled(pool, 'BALANCED'),
      nodeConfig: nodeConfig(pool, args, false),
    },
    { ...opts, ignoreChanges: ['initialNodeCount'] },
  );
}

/**
 * The GPU pool: the accelerator with GKE-installed drivers (GKE also runs the device plugin),
 * the GPU taint, and autoscaling that may rest at zero nodes. `ANY` places nodes wherever the
 * accelerator is in stock.
 */
export function gpuNodePool(
  name: string,
  args: NodePoolsArgs,
  opts: pulumi.CustomResourceOptions,
): gcp.container.NodePool {
  const pool = args.config.gpuNodes;
  return new gcp.container.NodePool(
    `${name}-gpu`,
    {
      cluster: args.cluster.name,
      location: args.cluster.location,
      ...autoscaled(pool, 'ANY'),
      nodeConfig: {
        ...nodeConfig(pool, args, true),
        guestAccelerators: [
          {
            type: pool.accelerator.type,
            count: pool.accelerator.count,
            gpuDriverInstallationConfig: { gpuDriverVersion: pool.driverVersion },
          },
        ],
        taints: [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' }],
      },
    },
    { ...opts, ignoreChanges: ['initialNodeCount'] },
  );
}
