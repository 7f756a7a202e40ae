import {
  awsInstancePrice,
  gcpNodePrice,
  gpuNodesFor,
  PricingError,
  summarize,
  table,
} from '../../../infra/lib/pricing';
import { awsCostEstimate } from '../../../infra/platforms/aws';
import { edgeCostEstimate } from '../../../infra/components/edge-service';
import { gcpCostEstimate } from '../../../infra/platforms/gcp';

describe('pricing table', () => {
  it('is dated and names a source for every figure kind', () => {
    expect(table.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(table.hoursPerMonth).toBe(730);
    for (const provider of [table.aws, table.gcp]) {
      for (const source of Object.values(provider.sources))
        expect(source).toMatch(/^https:\/\/\S+/);
    }
  });

  it('holds positive prices with spot never above on-demand', () => {
    const entries = [
      ...Object.entries(table.aws.instances),
      ...Object.entries(table.gcp.machines),
      ...Object.entries(table.gcp.accelerators),
    ];
    for (const [name, entry] of entries) {
      expect({
        name,
        ok: entry.onDemand > 0 && entry.spot > 0 && entry.spot <= entry.onDemand,
      }).toEqual({ name, ok: true });
    }
  });
});

describe('lookups', () => {
  it('prices EC2 instance types by capacity', () => {
    expect(awsInstancePrice('g6.xlarge', 'on-demand')).toEqual({ usdPerHour: 0.8048, gpus: 1 });
    expect(awsInstancePrice('g6.xlarge', 'spot')).toEqual({ usdPerHour: 0.3621, gpus: 1 });
  });

  it('prices G2 with its bundled L4, and N1 plus each attached T4', () => {
    expect(gcpNodePrice('g2-standard-4', 'on-demand', { type: 'nvidia-l4', count: 1 })).toEqual({
      usdPerHour: 0.706832,
      gpus: 1,
    });
    const n1 = gcpNodePrice('n1-standard-4', 'spot', { type: 'nvidia-tesla-t4', count: 2 });
    expect(n1.gpus).toBe(2);
    expect(n1.usdPerHour).toBeCloseTo(0.076 + 2 * 0.14, 10);
  });

  it('names the unknown type, the known ones and where to find a price', () => {
    expect(() => awsInstancePrice('p5.48xlarge', 'on-demand')).toThrow(PricingError);
    expect(() => awsInstancePrice('p5.48xlarge', 'on-demand')).toThrow(
      /no price for EC2 instance type "p5.48xlarge" in infra\/lib\/pricing-table.json \(known: t3.medium, .*g6e.xlarge\); add it from https:\/\/aws.amazon.com/,
    );
    expect(() =>
      gcpNodePrice('n1-standard-4', 'on-demand', { type: 'nvidia-h100-80gb', count: 1 }),
    ).toThrow(/no price for GCP accelerator "nvidia-h100-80gb"/);
  });
});

describe('gpuNodesFor', () => {
  it('needs one node per replica on one-GPU nodes, within the group bounds', () => {
    expect(gpuNodesFor(0, 1, 1, { min: 0, max: 4 })).toBe(0);
    expect(gpuNodesFor(3, 1, 1, { min: 0, max: 4 })).toBe(3);
    expect(gpuNodesFor(9, 1, 1, { min: 0, max: 4 })).toBe(4);
    expect(gpuNodesFor(0, 1, 1, { min: 1, max: 4 })).toBe(1);
  });

  it('packs replicas onto multi-GPU nodes and leaves CPU-only workloads at the minimum', () => {
    expect(gpuNodesFor(5, 1, 4, { min: 0, max: 4 })).toBe(2);
    expect(gpuNodesFor(3, 2, 4, { min: 0, max: 4 })).toBe(2);
    expect(gpuNodesFor(5, 0, 1, { min: 1, max: 4 })).toBe(1);
    expect(() => gpuNodesFor(1, 2, 1, { min: 0, max: 4 })).toThrow(
      'a replica asks for 2 GPU(s) but a node carries 1',
    );
  });
});

describe('summarize', () => {
  it('adds lines at each bound and notes a region other than the priced one', () => {
    const estimate = summarize({
      lines: [
        { item: 'a', usdPerHour: 0.5, countAtMinReplicas: 1, countAtMaxReplicas: 1 },
        { item: 'b', usdPerHour: 0.25, countAtMinReplicas: 0, countAtMaxReplicas: 3 },
      ],
      pricedRegion: 'us-east-1',
      stackRegion: 'eu-west-1',
      sources: [],
    });
    expect(estimate.hourlyUsd).toEqual({ atMinReplicas: 0.5, atMaxReplicas: 1.25 });
    expect(estimate.monthlyUsd).toEqual({ atMinReplicas: 365, atMaxReplicas: 912.5 });
    expect(estimate.assumptions).toContain(
      "prices are us-east-1's; eu-west-1 may differ by a few to tens of percent",
    );
  });
});

// Hand computations: every figure below is copied from pricing-table.json, none from the code.
const GP3_GIB_HOUR = 0.08 / 730;
const PD_BALANCED_GIB_HOUR = 0.1 / 730;

describe('example stack costs match a hand computation', () => {
  it('aws: EKS + 1 NAT + 2 m6i.large (50 GiB) + 1..4 g6.xlarge (200 GiB), replicas 1..4', () => {
    const estimate = awsCostEstimate(
      {
        region: 'us-east-1',
        clusterName: 'llm',
        kubernetesVersion: '1.33',
        systemNodes: {
          instanceTypes: ['m6i.large'],
          minSize: 1,
          maxSize: 3,
          desiredSize: 2,
          diskSizeGiB: 50,
        },
        gpuNodes: {
          instanceTypes: ['g6.xlarge', 'g5.xlarge'],
          minSize: 0,
          maxSize: 4,
          diskSizeGiB: 200,
        },
      },
      { min: 1, max: 4 },
    );
    const fixed = 0.1 + 0.045 + 2 * 0.096 + 2 * 50 * GP3_GIB_HOUR;
    const perGpuNode = 0.8048 + 200 * GP3_GIB_HOUR;
    expect(estimate.hourlyUsd.atMinReplicas).toBeCloseTo(fixed + 1 * perGpuNode, 4);
    expect(estimate.hourlyUsd.atMaxReplicas).toBeCloseTo(fixed + 4 * perGpuNode, 4);
    expect(estimate.monthlyUsd.atMinReplicas).toBeCloseTo((fixed + perGpuNode) * 730, 2);
    expect(estimate.monthlyUsd.atMaxReplicas).toBeCloseTo((fixed + 4 * perGpuNode) * 730, 2);
    expect(estimate.hourlyUsd).toEqual({ atMinReplicas: 1.1747, atMaxReplicas: 3.6548 });
    expect(estimate.pricingAsOf).toBe(table.asOf);
  });

  it('aws with spot GPUs and a NAT per zone over three zones', () => {
    const estimate = awsCostEstimate(
      {
        region: 'us-east-1',
        clusterName: 'llm',
        kubernetesVersion: '1.33',
        availabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        natGateways: 'perZone',
        systemNodes: { instanceTypes: ['t3.large'], minSize: 1, maxSize: 2, diskSizeGiB: 30 },
        gpuNodes: {
          instanceTypes: ['g5.xlarge'],
          minSize: 0,
          maxSize: 2,
          diskSizeGiB: 100,
          capacity: 'spot',
        },
      },
      { min: 0, max: 2 },
    );
    const fixed = 0.1 + 3 * 0.045 + 1 * 0.0832 + 30 * GP3_GIB_HOUR;
    expect(estimate.hourlyUsd.atMinReplicas).toBeCloseTo(fixed, 4);
    expect(estimate.hourlyUsd.atMaxReplicas).toBeCloseTo(
      fixed + 2 * (0.4124 + 100 * GP3_GIB_HOUR),
      4,
    );
  });

  it('gcp: GKE fee + 1 e2-standard-4 (50 GiB) + 1..3 g2-standard-4 (200 GiB), replicas 1..3', () => {
    const estimate = gcpCostEstimate(
      {
        project: 'my-project',
        region: 'us-central1',
        clusterName: 'llm',
        systemNodes: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGiB: 50 },
        gpuNodes: {
          machineType: 'g2-standard-4',
          accelerator: { type: 'nvidia-l4', count: 1 },
          minNodes: 0,
          maxNodes: 3,
          diskSizeGiB: 200,
        },
      },
      { min: 1, max: 3 },
    );
    const fixed = 0.1 + 0.134012 + 50 * PD_BALANCED_GIB_HOUR;
    const perGpuNode = 0.706832 + 200 * PD_BALANCED_GIB_HOUR;
    expect(estimate.hourlyUsd).toEqual({ atMinReplicas: 0.9751, atMaxReplicas: 2.4435 });
    expect(estimate.hourlyUsd.atMinReplicas).toBeCloseTo(fixed + perGpuNode, 4);
    expect(estimate.monthlyUsd.atMaxReplicas).toBeCloseTo((fixed + 3 * perGpuNode) * 730, 2);
  });

  it('gcp with private nodes adds Cloud NAT per VM', () => {
    const estimate = gcpCostEstimate(
      {
        project: 'my-project',
        region: 'europe-west4',
        clusterName: 'llm',
        privateNodes: true,
        systemNodes: { machineType: 'e2-standard-2', minNodes: 2, maxNodes: 3, diskSizeGiB: 20 },
        gpuNodes: {
          machineType: 'n1-standard-4',
          accelerator: { type: 'nvidia-tesla-t4', count: 1 },
          minNodes: 1,
          maxNodes: 2,
          diskSizeGiB: 100,
          capacity: 'spot',
        },
      },
      { min: 1, max: 2 },
    );
    const fixed = 0.1 + 2 * (0.067006 + 20 * PD_BALANCED_GIB_HOUR + 0.0014);
    const perGpuNode = 0.076 + 0.14 + 100 * PD_BALANCED_GIB_HOUR + 0.0014;
    expect(estimate.hourlyUsd.atMinReplicas).toBeCloseTo(fixed + perGpuNode, 4);
    expect(estimate.hourlyUsd.atMaxReplicas).toBeCloseTo(fixed + 2 * perGpuNode, 4);
    expect(estimate.assumptions).toContain(
      "prices are us-central1's; europe-west4 may differ by a few to tens of percent",
    );
  });

  it('adds the ingress load balancer when the workload has one', () => {
    const args = {
      project: 'my-project',
      region: 'us-central1',
      clusterName: 'llm',
      systemNodes: { machineType: 'e2-standard-2', minNodes: 1, maxNodes: 1, diskSizeGiB: 20 },
      gpuNodes: {
        machineType: 'g2-standard-4',
        accelerator: { type: 'nvidia-l4', count: 1 },
        minNodes: 0,
        maxNodes: 1,
        diskSizeGiB: 100,
      },
    };
    const without = gcpCostEstimate(args, { min: 0, max: 1 });
    const withLb = gcpCostEstimate(args, { min: 0, max: 1 }, { loadBalancers: 1 });
    expect(withLb.hourlyUsd.atMinReplicas - without.hourlyUsd.atMinReplicas).toBeCloseTo(0.025, 4);
    expect(withLb.lines.map((l) => l.item)).toContain('load balancer (forwarding rule)');
    expect(without.lines.map((l) => l.item)).not.toContain('load balancer (forwarding rule)');
  });

  it('edge: no cloud bill', () => {
    const estimate = edgeCostEstimate();
    expect(estimate.hourlyUsd).toEqual({ atMinReplicas: 0, atMaxReplicas: 0 });
    expect(estimate.monthlyUsd).toEqual({ atMinReplicas: 0, atMaxReplicas: 0 });
  });
});
