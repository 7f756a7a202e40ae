/**
 * The AWS and GCP example stacks through the real program under Pulumi mocks: the same schema and
 * policy suites as on-prem, the cloud wiring, and the cost output against a hand computation.
 */
import { allSchemaErrors } from '../helpers/kube-schema';
import {
  gpuViolations,
  ingressViolations,
  plainSecretViolations,
  pulumiSecretViolations,
  workloadViolations,
} from '../helpers/policy';
import {
  kubeObjects,
  runProgram,
  SECRET_SIG,
  unwrapSecrets,
  type ProgramRun,
} from '../helpers/pulumi-program';
import { exampleStackConfig, SECRET_TEXTS } from '../helpers/stacks';
import { wildcardGrants, type PolicyDocument } from './platforms/support/iam-policy';
import { callResult, computedOutputs } from './platforms/support/mocks';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const providers = { outputs: computedOutputs, call: callResult };
const GPU = {
  aws: { resourceName: 'nvidia.com/gpu', nodeSelector: { 'llm-deploy/pool': 'gpu' } },
  gcp: {
    resourceName: 'nvidia.com/gpu',
    nodeSelector: { 'llm-deploy/pool': 'gpu', 'cloud.google.com/gke-accelerator': 'nvidia-l4' },
  },
};
const TAINTS = [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' as const }];

const runs: Record<string, ProgramRun> = {};
beforeAll(async () => {
  for (const stack of ['aws', 'gcp']) {
    runs[stack] = await runProgram({
      stack,
      providers,
      ...exampleStackConfig(stack, ['apiKeys', 'hfToken']),
    });
  }
});

const objectsOf = (stack: string) => kubeObjects(runs[stack]).map((o) => o.object as Obj);
const find = (stack: string, kind: string) => objectsOf(stack).find((o) => o.kind === kind);
const record = (stack: string, type: string, name?: string) =>
  runs[stack].records.find((r) => r.type === type && (name === undefined || r.name === name))!;
const releases = (stack: string) =>
  runs[stack].records
    .filter((r) => r.type === 'kubernetes:helm.sh/v3:Release')
    .map((r) => (r.inputs as Obj).chart);

describe.each(['aws', 'gcp'] as const)('example stack %s', (stack) => {
  test('declares its resources without error', () => {
    expect(runs[stack].error).toBeUndefined();
    expect(objectsOf(stack).length).toBeGreaterThan(6);
  });
  test('every Kubernetes object validates against its schema', () => {
    expect(allSchemaErrors(objectsOf(stack))).toEqual([]);
  });
  test('passes the workload, GPU, ingress and secret policies', () => {
    const objects = objectsOf(stack);
    expect(workloadViolations(objects)).toEqual([]);
    expect(gpuViolations(objects, { ...GPU[stack], taints: TAINTS })).toEqual([]);
    expect(ingressViolations(objects)).toEqual([]);
    expect(plainSecretViolations(objects, SECRET_TEXTS)).toEqual([]);
    expect(pulumiSecretViolations(runs[stack].records, SECRET_TEXTS)).toEqual([]);
  });
  test('schedules GPU pods on the GPU nodes the platform made', () => {
    const pod = find(stack, 'Deployment')!.spec.template.spec;
    expect(pod.nodeSelector).toEqual(GPU[stack].nodeSelector);
    expect(pod.tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    ]);
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
  });
  test('pushes the CUDA image under a per-build tag, pulled by digest, with a secret credential', () => {
    const image = record(stack, 'docker:index/image:Image').inputs as Obj;
    expect(image.build.dockerfile).toMatch(/docker\/Dockerfile\.cuda$/);
    expect(image.imageName).toMatch(new RegExp(`:${stack}-[0-9a-f]{12}$`));
    expect(image.registry).toHaveProperty(SECRET_SIG);
    expect(find(stack, 'Deployment')!.spec.template.spec.imagePullSecrets).toBeUndefined();
    expect(runs[stack].outputs.image).toMatch(/@sha256:[0-9a-f]{64}$/);
  });
  test('exports the endpoint, the cluster and the cost; nothing secret', () => {
    expect(Object.keys(runs[stack].outputs).sort()).toEqual(
      [
        'clusterName',
        'costEstimate',
        'endpoint',
        'image',
        'imageDigest',
        'namespace',
        'openaiBaseUrl',
        'playgroundUrl',
      ].sort(),
    );
    expect(runs[stack].outputs.openaiBaseUrl).toBe(`https://llm.${stack}.example.com/v1`);
    expect(runs[stack].outputs.clusterName).toBe(`llm-${stack}`);
    expect(runs[stack].secretOutputs).toEqual([]);
  });
});

// Hand computations from infra/lib/pricing-table.json (us-east-1 and us-central1 list prices).
const HOURS = 730;
const cost = (stack: string) => runs[stack].outputs.costEstimate as Obj;

describe('aws', () => {
  test('cost: EKS, 1 NAT, 2 m6i.large, 1..4 g6.xlarge for 1..4 replicas, disks, the ingress load balancer', () => {
    const fixed = 0.1 + 0.045 + 2 * 0.096 + (2 * 50 * 0.08) / HOURS + 0.025;
    const perGpuNode = 0.8048 + (100 * 0.08) / HOURS;
    expect(cost('aws').hourlyUsd.atMinReplicas).toBeCloseTo(fixed + perGpuNode, 4);
    expect(cost('aws').hourlyUsd.atMaxReplicas).toBeCloseTo(fixed + 4 * perGpuNode, 4);
    expect(cost('aws').monthlyUsd.atMaxReplicas).toBeCloseTo((fixed + 4 * perGpuNode) * HOURS, 2);
    expect(cost('aws').pricingAsOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });
  test('no IAM policy grants every action on every resource', () => {
    const policies = runs.aws.records.filter((r) => r.type === 'aws:iam/rolePolicy:RolePolicy');
    expect(policies.length).toBeGreaterThan(1);
    for (const policy of policies) {
      const document = JSON.parse((policy.inputs as Obj).policy) as PolicyDocument;
      expect({ name: policy.name, grants: wildcardGrants(document) }).toEqual({
        name: policy.name,
        grants: [],
      });
    }
  });
  test('installs the NVIDIA device plugin (the AMI has drivers, not the plugin) and a gp3 StorageClass', () => {
    expect(releases('aws')).toEqual(
      expect.arrayContaining(['nvidia-device-plugin', 'cluster-autoscaler']),
    );
    expect(find('aws', 'StorageClass')!.provisioner).toBe('ebs.csi.aws.com');
  });
  test('pushes to the ECR repository', () => {
    const image = record('aws', 'docker:index/image:Image').inputs as Obj;
    expect(image.imageName).toMatch(
      /^123456789012\.dkr\.ecr\.us-east-1\.amazonaws\.com\/llm-deploy\/llm-aws:aws-/,
    );
    expect((unwrapSecrets(image.registry) as Obj).username).toBe('AWS');
  });
});

describe('gcp', () => {
  test('cost: GKE fee, e2-standard-4, 1..4 spot g2-standard-4, disks, Cloud NAT per VM, the load balancer', () => {
    const fixed = 0.1 + 0.134012 + (50 * 0.1) / HOURS + 0.025 + 0.0014;
    const perGpuNode = 0.282733 + (100 * 0.1) / HOURS + 0.0014;
    expect(cost('gcp').hourlyUsd.atMinReplicas).toBeCloseTo(fixed + perGpuNode, 4);
    expect(cost('gcp').hourlyUsd.atMaxReplicas).toBeCloseTo(fixed + 4 * perGpuNode, 4);
    expect(cost('gcp').monthlyUsd.atMinReplicas).toBeCloseTo((fixed + perGpuNode) * HOURS, 2);
  });
  test('relies on GKE for the NVIDIA driver and device plugin', () => {
    expect(releases('gcp')).not.toContain('nvidia-device-plugin');
    const pool = record('gcp', 'gcp:container/nodePool:NodePool', 'gcp-gpu').inputs as Obj;
    expect(pool.nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig).toEqual({
      gpuDriverVersion: 'DEFAULT',
    });
  });
  test('pushes to Artifact Registry with an access token', () => {
    const image = record('gcp', 'docker:index/image:Image').inputs as Obj;
    expect(image.imageName).toMatch(
      /^us-central1-docker\.pkg\.dev\/my-project\/llm-gcp\/llm-deploy:gcp-/,
    );
    expect((unwrapSecrets(image.registry) as Obj).username).toBe('oauth2accesstoken');
  });
});
