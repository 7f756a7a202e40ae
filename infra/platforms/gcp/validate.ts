import { parseCidr } from '../../lib/cidr';
import { gcpNodePrice, PricingError } from '../../lib/pricing';
import { argProblem as problem, type ArgProblem } from '../../model';
import type { GcpGpuNodePoolArgs, GcpNodePoolArgs, GcpPlatformArgs } from './args';

function poolProblems(key: string, pool: GcpNodePoolArgs, region: string): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!(pool.minNodes >= 0 && pool.minNodes <= pool.maxNodes && pool.maxNodes >= 1)) {
    problems.push(
      problem(
        key,
        { minNodes: pool.minNodes, maxNodes: pool.maxNodes },
        'needs 0 <= minNodes <= maxNodes and maxNodes >= 1',
        'raise maxNodes or lower minNodes',
      ),
    );
  }
  if (pool.diskSizeGiB < 10)
    problems.push(
      problem(`${key}.diskSizeGiB`, pool.diskSizeGiB, "is below GKE's minimum", 'use 10 or more'),
    );
  const foreign = (pool.zones ?? []).filter((zone) => !zone.startsWith(`${region}-`));
  if (foreign.length > 0)
    problems.push(
      problem(
        `${key}.zones`,
        pool.zones,
        `${foreign.join(', ')} not in ${region}`,
        `use zones like ${region}-a`,
      ),
    );
  return problems;
}

function priceProblems(
  key: string,
  pool: GcpNodePoolArgs,
  accelerator?: GcpGpuNodePoolArgs['accelerator'],
): ArgProblem[] {
  try {
    gcpNodePrice(pool.machineType, pool.capacity ?? 'on-demand', accelerator);
    return [];
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    return [problem(`${key}.machineType`, pool.machineType, error.why, error.fix)];
  }
}

function rangeProblems(args: GcpPlatformArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
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
      problems.push(problem(key, value, 'is not an IPv4 CIDR', 'use the form 10.0.0.0/16'));
  }
  const master = args.masterCidr === undefined ? undefined : parseCidr(args.masterCidr);
  if (master && master.prefix !== 28)
    problems.push(
      problem('masterCidr', args.masterCidr, 'must be a /28', 'use a /28 such as 172.16.0.0/28'),
    );
  return problems;
}

/** Every problem with `args`, each naming the field and the value; empty when they are usable. */
export function gcpArgProblems(args: GcpPlatformArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/.test(args.project)) {
    problems.push(
      problem(
        'project',
        args.project,
        'is not a project id',
        "use the id (6-30 lowercase letters, digits, '-'), not the name",
      ),
    );
  }
  if (!/^[a-z]+-[a-z]+\d+$/.test(args.region))
    problems.push(
      problem('region', args.region, 'is not a region', 'use a region like us-central1'),
    );
  const location = args.location ?? args.region;
  if (location !== args.region && !new RegExp(`^${args.region}-[a-z]$`).test(location)) {
    problems.push(
      problem(
        'location',
        location,
        `is neither ${args.region} nor one of its zones`,
        `use ${args.region} or ${args.region}-a`,
      ),
    );
  }
  if (!/^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/.test(args.clusterName)) {
    problems.push(
      problem(
        'clusterName',
        args.clusterName,
        'is not a GKE cluster name',
        "use 1-40 lowercase letters, digits and '-', starting with a letter",
      ),
    );
  }
  problems.push(...rangeProblems(args));
  problems.push(
    ...poolProblems('systemNodes', args.systemNodes, args.region),
    ...poolProblems('gpuNodes', args.gpuNodes, args.region),
  );
  if (args.systemNodes.minNodes < 1) {
    problems.push(
      problem(
        'systemNodes.minNodes',
        args.systemNodes.minNodes,
        'leaves no node for system pods',
        'set it to 1 or more',
      ),
    );
  }
  if (!(args.gpuNodes.accelerator.count >= 1)) {
    problems.push(
      problem(
        'gpuNodes.accelerator.count',
        args.gpuNodes.accelerator.count,
        'must be 1 at least',
        'attach one GPU or more',
      ),
    );
  }
  problems.push(
    ...priceProblems('systemNodes', args.systemNodes),
    ...priceProblems('gpuNodes', args.gpuNodes, args.gpuNodes.accelerator),
  );
  return problems;
}
