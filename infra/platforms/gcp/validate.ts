import { parseCidr } from '../../lib/cidr';
import { gcpNodePrice, PricingError } from '../../lib/pricing';
import type { GcpGpuNodePoolArgs, GcpNodePoolArgs, GcpPlatformArgs } from './args';

function poolProblems(key: string, pool: GcpNodePoolArgs, region: string): string[] {
  const problems: string[] = [];
  if (!(pool.minNodes >= 0 && pool.minNodes <= pool.maxNodes && pool.maxNodes >= 1)) {
    problems.push(
      `${key}: need 0 <= minNodes (${pool.minNodes}) <= maxNodes (${pool.maxNodes}) and maxNodes >= 1`,
    );
  }
  if (pool.diskSizeGiB < 10)
    problems.push(`${key}.diskSizeGiB (${pool.diskSizeGiB}) must be 10 at least`);
  for (const zone of pool.zones ?? []) {
    if (!zone.startsWith(`${region}-`))
      problems.push(`${key}.zones: ${zone} is not a zone of ${region}`);
  }
  return problems;
}

function priceProblems(
  key: string,
  pool: GcpNodePoolArgs,
  accelerator?: GcpGpuNodePoolArgs['accelerator'],
): string[] {
  try {
    const price = gcpNodePrice(pool.machineType, pool.capacity ?? 'on-demand', accelerator);
    if (accelerator && price.gpus < 1) return [`${key}: ${pool.machineType} carries no GPU`];
    return [];
  } catch (error) {
    if (error instanceof PricingError) return [`${key}.machineType: ${error.message}`];
    throw error;
  }
}

/** Every problem with `args`, each naming the key and the value; empty when they are usable. */
export function gcpArgProblems(args: GcpPlatformArgs): string[] {
  const problems: string[] = [];
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(args.project)) {
    problems.push(
      `project (${args.project}) is not a project id (6-30 lowercase letters, digits, '-')`,
    );
  }
  if (!/^[a-z]+-[a-z]+\d+$/.test(args.region))
    problems.push(`region (${args.region}) is not a region like us-central1`);
  const location = args.location ?? args.region;
  if (location !== args.region && !new RegExp(`^${args.region}-[a-z]$`).test(location)) {
    problems.push(
      `location (${location}) must be ${args.region} or one of its zones, like ${args.region}-a`,
    );
  }
  if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(args.clusterName)) {
    problems.push(
      `clusterName (${args.clusterName}) must be 1-40 lowercase letters, digits and '-', starting with a letter`,
    );
  }
  const ranges: [string, string | undefined][] = [
    ['nodesCidr', args.nodesCidr],
    ['podsCidr', args.podsCidr],
    ['servicesCidr', args.servicesCidr],
    ['masterCidr', args.masterCidr],
    ...(args.masterAuthorizedCidrs ?? []).map((c, i): [string, string] => [
      `masterAuthorizedCidrs[${i}]`,
      c,
    ]),
  ];
  for (const [key, value] of ranges) {
    if (value !== undefined && !parseCidr(value))
      problems.push(`${key} (${value}) is not an IPv4 CIDR like 10.0.0.0/16`);
  }
  const master = args.masterCidr === undefined ? undefined : parseCidr(args.masterCidr);
  if (master && master.prefix !== 28) {
    problems.push(`masterCidr (${args.masterCidr}) must be a /28`);
  }
  problems.push(...poolProblems('systemNodes', args.systemNodes, args.region));
  problems.push(...poolProblems('gpuNodes', args.gpuNodes, args.region));
  if (args.systemNodes.minNodes < 1)
    problems.push(`systemNodes.minNodes (${args.systemNodes.minNodes}) must be 1 at least`);
  if (args.gpuNodes.accelerator.count < 1) {
    problems.push(
      `gpuNodes.accelerator.count (${args.gpuNodes.accelerator.count}) must be 1 at least`,
    );
  }
  problems.push(...priceProblems('systemNodes', args.systemNodes));
  problems.push(...priceProblems('gpuNodes', args.gpuNodes, args.gpuNodes.accelerator));
  return problems;
}
