import {
  diskUsdPerHour,
  gcpNodePrice,
  gpuNodesFor,
  summarize,
  table,
  type CostEstimate,
  type CostLine,
  type ReplicaBounds,
} from '../../lib/pricing';
import { resolveGcpArgs, type GcpPlatformArgs } from './args';

/**
 * Hourly and monthly cost of a GCP stack: GKE cluster fee, system nodes at their minimum, as
 * many GPU nodes as the replica bounds need (one replica per GPU), boot disks, and Cloud NAT's
 * per-VM fee when nodes are private. Data transfer excluded.
 */
export function gcpCostEstimate(platform: GcpPlatformArgs, replicas: ReplicaBounds): CostEstimate {
  const args = resolveGcpArgs(platform);
  const prices = table.gcp;
  const { systemNodes: system, gpuNodes: gpu } = args;
  const systemPrice = gcpNodePrice(system.machineType, system.capacity);
  const gpuPrice = gcpNodePrice(gpu.machineType, gpu.capacity, gpu.accelerator);
  const perReplica = replicas.gpusPerReplica ?? 1;
  const bounds = { min: gpu.minNodes, max: gpu.maxNodes };
  const gpuAtMin = gpuNodesFor(replicas.min, perReplica, gpuPrice.gpus, bounds);
  const gpuAtMax = gpuNodesFor(replicas.max, perReplica, gpuPrice.gpus, bounds);
  const gpuItem = `${gpu.machineType} + ${gpu.accelerator.count}x ${gpu.accelerator.type}`;

  const lines: CostLine[] = [
    {
      item: 'GKE cluster management',
      usdPerHour: prices.controlPlanePerHour,
      countAtMinReplicas: 1,
      countAtMaxReplicas: 1,
    },
    {
      item: `system node ${system.machineType} (${system.capacity})`,
      usdPerHour: systemPrice.usdPerHour,
      countAtMinReplicas: system.minNodes,
      countAtMaxReplicas: system.minNodes,
    },
    {
      item: `system node disk ${system.diskSizeGiB} GiB pd-balanced`,
      usdPerHour: diskUsdPerHour(system.diskSizeGiB, prices.diskPerGiBMonth),
      countAtMinReplicas: system.minNodes,
      countAtMaxReplicas: system.minNodes,
    },
    {
      item: `GPU node ${gpuItem} (${gpu.capacity})`,
      usdPerHour: gpuPrice.usdPerHour,
      countAtMinReplicas: gpuAtMin,
      countAtMaxReplicas: gpuAtMax,
    },
    {
      item: `GPU node disk ${gpu.diskSizeGiB} GiB pd-balanced`,
      usdPerHour: diskUsdPerHour(gpu.diskSizeGiB, prices.diskPerGiBMonth),
      countAtMinReplicas: gpuAtMin,
      countAtMaxReplicas: gpuAtMax,
    },
  ];
  if (args.privateNodes) {
    lines.push({
      item: 'Cloud NAT gateway (per VM)',
      usdPerHour: prices.natPerVmHour,
      countAtMinReplicas: system.minNodes + gpuAtMin,
      countAtMaxReplicas: system.minNodes + gpuAtMax,
    });
  }
  return summarize({
    lines,
    pricedRegion: prices.region,
    stackRegion: args.region,
    sources: Object.values(prices.sources),
    assumptions: [
      `replicas ${replicas.min}..${replicas.max}, ${perReplica} GPU each, on ${gpuItem}`,
      'excludes data transfer, NAT data processing, load balancers, the model-cache disk and Artifact Registry storage',
      ...prices.notes,
    ],
  });
}
