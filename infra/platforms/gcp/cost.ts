import {
  diskUsdPerHour,
  fixedLine,
  gcpNodePrice,
  gpuNodesFor,
  perNodeLine,
  summarize,
  table,
  type CostEstimate,
  type CostLine,
  type ReplicaBounds,
  type WorkloadExtras,
} from '../../lib/pricing';
import { resolveGcpArgs, type GcpPlatformArgs } from './args';

/**
 * Hourly and monthly cost of a GCP stack: GKE cluster fee, system nodes at their minimum, as
 * many GPU nodes as the replica bounds need (one replica per GPU), boot disks, Cloud NAT's
 * per-VM fee when nodes are private, and the workload's load balancers.
 */
export function gcpCostEstimate(
  platform: GcpPlatformArgs,
  replicas: ReplicaBounds,
  extras: WorkloadExtras = {},
): CostEstimate {
  const args = resolveGcpArgs(platform);
  const prices = table.gcp;
  const { systemNodes: system, gpuNodes: gpu } = args;
  const gpuPrice = gcpNodePrice(gpu.machineType, gpu.capacity, gpu.accelerator);
  const perReplica = replicas.gpusPerReplica ?? 1;
  const bounds = { min: gpu.minNodes, max: gpu.maxNodes };
  const gpuNodes = {
    atMin: gpuNodesFor(replicas.min, perReplica, gpuPrice.gpus, bounds),
    atMax: gpuNodesFor(replicas.max, perReplica, gpuPrice.gpus, bounds),
  };
  const gpuItem = `${gpu.machineType} + ${gpu.accelerator.count}x ${gpu.accelerator.type}`;
  const disk = (sizeGiB: number) => diskUsdPerHour(sizeGiB, prices.diskPerGiBMonth);
  const allNodes = {
    atMin: system.minNodes + gpuNodes.atMin,
    atMax: system.minNodes + gpuNodes.atMax,
  };

  const lines: CostLine[] = [
    fixedLine('GKE cluster management', prices.controlPlanePerHour, 1),
    fixedLine(
      `system node ${system.machineType} (${system.capacity})`,
      gcpNodePrice(system.machineType, system.capacity).usdPerHour,
      system.minNodes,
    ),
    fixedLine(
      `system node disk ${system.diskSizeGiB} GiB pd-balanced`,
      disk(system.diskSizeGiB),
      system.minNodes,
    ),
    perNodeLine(`GPU node ${gpuItem} (${gpu.capacity})`, gpuPrice.usdPerHour, gpuNodes),
    perNodeLine(
      `GPU node disk ${gpu.diskSizeGiB} GiB pd-balanced`,
      disk(gpu.diskSizeGiB),
      gpuNodes,
    ),
    perNodeLine(
      'Cloud NAT gateway (per VM)',
      args.privateNodes ? prices.natPerVmHour : 0,
      allNodes,
    ),
    fixedLine(
      'load balancer (forwarding rule)',
      prices.loadBalancerPerHour,
      extras.loadBalancers ?? 0,
    ),
  ];
  return summarize({
    lines: lines.filter(
      (line) => line.usdPerHour > 0 && (line.countAtMinReplicas > 0 || line.countAtMaxReplicas > 0),
    ),
    pricedRegion: prices.region,
    stackRegion: args.region,
    sources: Object.values(prices.sources),
    assumptions: [
      `replicas ${replicas.min}..${replicas.max}, ${perReplica} GPU each, on ${gpuItem}`,
      'excludes data transfer, NAT and load balancer data processing, the model-cache disk and Artifact Registry storage',
      ...prices.notes,
    ],
  });
}
