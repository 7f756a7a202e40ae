/**
 * Cost estimates from the dated pricing table kept beside this file (`pricing-table.json`).
 *
 * Estimates are plain numbers computed before any resource exists, so `pulumi preview` shows
 * what a stack will cost. Platforms describe their billable parts as `CostLine`s; `summarize`
 * turns them into hourly and monthly totals at the workload's minimum and maximum replicas.
 */
import pricingTable from './pricing-table.json';

export const table = pricingTable;
export const HOURS_PER_MONTH = table.hoursPerMonth;

export type Capacity = 'on-demand' | 'spot';

/** A node's hourly price and the GPUs it carries. */
export interface NodePrice {
  usdPerHour: number;
  gpus: number;
}

/** Thrown when the pricing table cannot price what a stack asks for: why, and the fix. */
export class PricingError extends Error {
  override name = 'PricingError';

  constructor(
    readonly why: string,
    readonly fix: string,
  ) {
    super(`${why}; ${fix}`);
  }
}

/** The workload's replica bounds and what each replica asks for. */
export interface ReplicaBounds {
  min: number;
  max: number;
  /** GPUs each replica requests (0 for CPU pods). @default 1 */
  gpusPerReplica?: number;
}

/** Billable parts the workload adds beside the platform's own. */
export interface WorkloadExtras {
  /** Cloud load balancers (the ingress controller's LoadBalancer Service). @default 0 */
  loadBalancers?: number;
}

/** One billable part of a stack: a unit price and how many units run at each replica bound. */
export interface CostLine {
  item: string;
  usdPerHour: number;
  countAtMinReplicas: number;
  countAtMaxReplicas: number;
}

export interface CostEstimate {
  currency: 'USD';
  pricingAsOf: string;
  /** Region whose prices the table holds; `none` for targets without a cloud bill. */
  pricedRegion: string;
  hourlyUsd: { atMinReplicas: number; atMaxReplicas: number };
  /** Hourly times `HOURS_PER_MONTH` (730). */
  monthlyUsd: { atMinReplicas: number; atMaxReplicas: number };
  lines: CostLine[];
  assumptions: string[];
  sources: string[];
}

type PriceEntry = { gpus: number; onDemand: number; spot: number };

function pick(entry: { onDemand: number; spot: number }, capacity: Capacity): number {
  return capacity === 'spot' ? entry.spot : entry.onDemand;
}

function unknownType(kind: string, name: string, known: object, source: string): PricingError {
  return new PricingError(
    `no price for ${kind} "${name}" in infra/lib/pricing-table.json (known: ${Object.keys(known).join(', ')})`,
    `add it from ${source}`,
  );
}

/** Hourly price of an EC2 instance type in the table's AWS region. */
export function awsInstancePrice(instanceType: string, capacity: Capacity): NodePrice {
  const instances: Record<string, PriceEntry> = table.aws.instances;
  const entry = instances[instanceType];
  if (!entry) {
    throw unknownType('EC2 instance type', instanceType, instances, table.aws.sources.onDemand);
  }
  return { usdPerHour: pick(entry, capacity), gpus: entry.gpus };
}

type GcpMachineEntry = PriceEntry & { bundledAccelerator?: string };

/**
 * Hourly price of a Compute Engine machine type plus its accelerators. Machines that bundle
 * their GPU (G2 with L4) cost the machine price; N1 machines add each attached accelerator.
 */
export function gcpNodePrice(
  machineType: string,
  capacity: Capacity,
  accelerator?: { type: string; count: number },
): NodePrice {
  const machines: Record<string, GcpMachineEntry> = table.gcp.machines;
  const machine = machines[machineType];
  if (!machine) {
    throw unknownType('GCP machine type', machineType, machines, table.gcp.sources.onDemand);
  }
  const machineUsd = pick(machine, capacity);
  if (!accelerator) return { usdPerHour: machineUsd, gpus: machine.gpus };
  if (machine.bundledAccelerator) {
    if (machine.bundledAccelerator !== accelerator.type) {
      throw new PricingError(
        `${machineType} comes with ${machine.bundledAccelerator}, not ${accelerator.type}`,
        `pick a machine type that carries ${accelerator.type} or set the accelerator to ${machine.bundledAccelerator}`,
      );
    }
    return { usdPerHour: machineUsd, gpus: machine.gpus };
  }
  const accelerators: Record<string, { onDemand: number; spot: number }> = table.gcp.accelerators;
  const gpu = accelerators[accelerator.type];
  if (!gpu) {
    throw unknownType(
      'GCP accelerator',
      accelerator.type,
      accelerators,
      table.gcp.sources.accelerators,
    );
  }
  return {
    usdPerHour: machineUsd + pick(gpu, capacity) * accelerator.count,
    gpus: accelerator.count,
  };
}

/** A line whose count does not depend on the replicas. */
export function fixedLine(item: string, usdPerHour: number, count: number): CostLine {
  return { item, usdPerHour, countAtMinReplicas: count, countAtMaxReplicas: count };
}

/** A line counted per node at each replica bound. */
export function perNodeLine(
  item: string,
  usdPerHour: number,
  nodes: { atMin: number; atMax: number },
): CostLine {
  return { item, usdPerHour, countAtMinReplicas: nodes.atMin, countAtMaxReplicas: nodes.atMax };
}

/** Hourly price of a disk of `sizeGiB` billed per GiB-month. */
export function diskUsdPerHour(sizeGiB: number, usdPerGiBMonth: number): number {
  return (sizeGiB * usdPerGiBMonth) / HOURS_PER_MONTH;
}

/**
 * GPU nodes needed for `replicas` pods of `gpusPerReplica` GPUs each, within the node group's
 * bounds (the autoscaler never goes below `min` nor above `max`). CPU-only pods (0 GPUs) leave
 * the group at `min`.
 */
export function gpuNodesFor(
  replicas: number,
  gpusPerReplica: number,
  gpusPerNode: number,
  nodes: { min: number; max: number },
): number {
  if (gpusPerReplica === 0) return nodes.min;
  if (gpusPerNode < gpusPerReplica) {
    throw new PricingError(
      `a replica asks for ${gpusPerReplica} GPU(s) but a node carries ${gpusPerNode}`,
      'pick a larger node type',
    );
  }
  const podsPerNode = Math.floor(gpusPerNode / gpusPerReplica);
  const needed = Math.ceil(replicas / podsPerNode);
  return Math.min(nodes.max, Math.max(nodes.min, needed));
}

const round = (value: number, digits: number): number => Number(value.toFixed(digits));

export interface SummarizeArgs {
  lines: CostLine[];
  pricedRegion: string;
  /** The stack's region; a note is added when it differs from the priced region. */
  stackRegion?: string;
  sources: string[];
  assumptions?: string[];
}

/** Totals cost lines into hourly (4 decimals) and monthly (2 decimals) figures. */
export function summarize(args: SummarizeArgs): CostEstimate {
  const hourly = (count: (line: CostLine) => number): number =>
    args.lines.reduce((sum, line) => sum + line.usdPerHour * count(line), 0);
  const atMin = hourly((line) => line.countAtMinReplicas);
  const atMax = hourly((line) => line.countAtMaxReplicas);
  const assumptions = [...(args.assumptions ?? [])];
  if (args.stackRegion && args.stackRegion !== args.pricedRegion) {
    assumptions.push(
      `prices are ${args.pricedRegion}'s; ${args.stackRegion} may differ by a few to tens of percent`,
    );
  }
  assumptions.push(`a month is ${HOURS_PER_MONTH} hours`);
  return {
    currency: 'USD',
    pricingAsOf: table.asOf,
    pricedRegion: args.pricedRegion,
    hourlyUsd: { atMinReplicas: round(atMin, 4), atMaxReplicas: round(atMax, 4) },
    monthlyUsd: {
      atMinReplicas: round(atMin * HOURS_PER_MONTH, 2),
      atMaxReplicas: round(atMax * HOURS_PER_MONTH, 2),
    },
    lines: args.lines.map((line) => ({ ...line, usdPerHour: round(line.usdPerHour, 6) })),
    assumptions,
    sources: args.sources,
  };
}

/**
 * GPUs per node from a price lookup, or 0 when the type is unknown: config readers need the count
 * for defaults, while the platform's validator reports the unknown type with its fix.
 */
export function gpusOrZero(lookup: () => { gpus: number }): number {
  try {
    return lookup().gpus;
  } catch (error) {
    if (error instanceof PricingError) return 0;
    throw error;
  }
}
