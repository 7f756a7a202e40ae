import {
  awsInstancePrice,
  diskUsdPerHour,
  fixedLine,
  gpuNodesFor,
  perNodeLine,
  summarize,
  table,
  type CostEstimate,
  type CostLine,
  type ReplicaBounds,
  type WorkloadExtras,
} from '../../lib/pricing';
import { resolveAwsArgs, type AwsPlatformArgs } from './args';

const DEFAULT_ZONES = 2;

/**
 * Hourly and monthly cost of an AWS stack: EKS control plane, NAT, system nodes at their
 * desired count, as many GPU nodes as the replica bounds need (one replica per GPU), each node
 * with its root volume, and the workload's load balancers. First listed instance type.
 */
export function awsCostEstimate(
  platform: AwsPlatformArgs,
  replicas: ReplicaBounds,
  extras: WorkloadExtras = {},
): CostEstimate {
  const args = resolveAwsArgs(platform);
  const prices = table.aws;
  const { systemNodes: system, gpuNodes: gpu } = args;
  const systemType = system.instanceTypes[0] ?? '';
  const gpuType = gpu.instanceTypes[0] ?? '';
  const gpuPrice = awsInstancePrice(gpuType, gpu.capacity);
  const perReplica = replicas.gpusPerReplica ?? 1;
  const bounds = { min: gpu.minSize, max: gpu.maxSize };
  const gpuNodes = {
    atMin: gpuNodesFor(replicas.min, perReplica, gpuPrice.gpus, bounds),
    atMax: gpuNodesFor(replicas.max, perReplica, gpuPrice.gpus, bounds),
  };
  const zones = args.availabilityZones?.length ?? DEFAULT_ZONES;
  const nats = args.nodesInPublicSubnets ? 0 : args.natGateways === 'perZone' ? zones : 1;
  const disk = (sizeGiB: number) => diskUsdPerHour(sizeGiB, prices.diskPerGiBMonth);

  const lines: CostLine[] = [
    fixedLine('EKS control plane', prices.controlPlanePerHour, 1),
    fixedLine('NAT gateway', prices.natGatewayPerHour, nats),
    fixedLine(
      `system node ${systemType} (${system.capacity})`,
      awsInstancePrice(systemType, system.capacity).usdPerHour,
      system.desiredSize,
    ),
    fixedLine(
      `system node disk ${system.diskSizeGiB} GiB gp3`,
      disk(system.diskSizeGiB),
      system.desiredSize,
    ),
    perNodeLine(`GPU node ${gpuType} (${gpu.capacity})`, gpuPrice.usdPerHour, gpuNodes),
    perNodeLine(`GPU node disk ${gpu.diskSizeGiB} GiB gp3`, disk(gpu.diskSizeGiB), gpuNodes),
    fixedLine('load balancer', prices.loadBalancerPerHour, extras.loadBalancers ?? 0),
  ];
  return summarize({
    lines: lines.filter((line) => line.countAtMinReplicas > 0 || line.countAtMaxReplicas > 0),
    pricedRegion: prices.region,
    stackRegion: args.region,
    sources: Object.values(prices.sources),
    assumptions: [
      `replicas ${replicas.min}..${replicas.max}, ${perReplica} GPU each, on ${gpuType}`,
      'excludes data transfer, NAT and load balancer data processing, the model-cache volume and ECR storage',
      ...prices.notes,
    ],
  });
}
