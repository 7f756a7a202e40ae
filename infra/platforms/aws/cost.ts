import {
  awsInstancePrice,
  diskUsdPerHour,
  gpuNodesFor,
  summarize,
  table,
  type CostEstimate,
  type CostLine,
  type ReplicaBounds,
} from '../../lib/pricing';
import { resolveAwsArgs, type AwsPlatformArgs } from './args';

const DEFAULT_ZONES = 2;

/**
 * Hourly and monthly cost of an AWS stack: EKS control plane, NAT, system nodes at their
 * desired count, and as many GPU nodes as the replica bounds need (one replica per GPU),
 * each node with its root volume. First listed instance type; data transfer excluded.
 */
export function awsCostEstimate(platform: AwsPlatformArgs, replicas: ReplicaBounds): CostEstimate {
  const args = resolveAwsArgs(platform);
  const prices = table.aws;
  const { systemNodes: system, gpuNodes: gpu } = args;
  const systemType = system.instanceTypes[0] ?? '';
  const gpuType = gpu.instanceTypes[0] ?? '';
  const systemPrice = awsInstancePrice(systemType, system.capacity);
  const gpuPrice = awsInstancePrice(gpuType, gpu.capacity);
  const perReplica = replicas.gpusPerReplica ?? 1;
  const bounds = { min: gpu.minSize, max: gpu.maxSize };
  const gpuAtMin = gpuNodesFor(replicas.min, perReplica, gpuPrice.gpus, bounds);
  const gpuAtMax = gpuNodesFor(replicas.max, perReplica, gpuPrice.gpus, bounds);
  const zones = args.availabilityZones?.length ?? DEFAULT_ZONES;
  const nats = args.nodesInPublicSubnets ? 0 : args.natGateways === 'perZone' ? zones : 1;

  const fixed = (item: string, usdPerHour: number, count: number): CostLine => ({
    item,
    usdPerHour,
    countAtMinReplicas: count,
    countAtMaxReplicas: count,
  });
  const lines: CostLine[] = [
    fixed('EKS control plane', prices.controlPlanePerHour, 1),
    fixed('NAT gateway', prices.natGatewayPerHour, nats),
    fixed(
      `system node ${systemType} (${system.capacity})`,
      systemPrice.usdPerHour,
      system.desiredSize,
    ),
    fixed(
      `system node disk ${system.diskSizeGiB} GiB gp3`,
      diskUsdPerHour(system.diskSizeGiB, prices.diskPerGiBMonth),
      system.desiredSize,
    ),
    {
      item: `GPU node ${gpuType} (${gpu.capacity})`,
      usdPerHour: gpuPrice.usdPerHour,
      countAtMinReplicas: gpuAtMin,
      countAtMaxReplicas: gpuAtMax,
    },
    {
      item: `GPU node disk ${gpu.diskSizeGiB} GiB gp3`,
      usdPerHour: diskUsdPerHour(gpu.diskSizeGiB, prices.diskPerGiBMonth),
      countAtMinReplicas: gpuAtMin,
      countAtMaxReplicas: gpuAtMax,
    },
  ];
  return summarize({
    lines,
    pricedRegion: prices.region,
    stackRegion: args.region,
    sources: Object.values(prices.sources),
    assumptions: [
      `replicas ${replicas.min}..${replicas.max}, ${perReplica} GPU each, on ${gpuType}`,
      'excludes data transfer, NAT data processing, load balancers, the model-cache volume and ECR storage',
      ...prices.notes,
    ],
  });
}
