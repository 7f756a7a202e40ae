/**
 * The aws, gcp and edge sections of the stack config: defaults filled from the workload, every
 * problem at once in the same format as the rest of the config, secrets never echoed.
 */
import { StackConfigError } from '../../infra/config/errors';
import { parseStackConfig } from '../../infra/config/parse';

// KEDA (the default autoscaler) reads the cluster's own Prometheus here.
const PROMETHEUS = { prometheusUrl: 'http://prometheus.monitoring.svc:9090' };
const AWS = {
  target: 'aws',
  gpusPerReplica: '1',
  maxReplicas: '3',
  aws: { region: 'eu-west-1' },
  ...PROMETHEUS,
};
const GCP = {
  ...PROMETHEUS,
  target: 'gcp',
  gpusPerReplica: '1',
  gcp: { project: 'my-project', region: 'us-central1' },
};

function problemsOf(raw: Record<string, unknown>): string[] {
  try {
    parseStackConfig(raw);
  } catch (error) {
    if (error instanceof StackConfigError)
      return error.message
        .split('\n')
        .slice(1)
        .map((l) => l.replace(/^ {2}- /, ''));
    throw error;
  }
  return [];
}

describe('llm-deploy:aws', () => {
  test('fills defaults from the workload: cluster name, GPU nodes for maxReplicas', () => {
    const config = parseStackConfig({ ...AWS, name: 'llm-prod' });
    expect(config.aws).toMatchObject({
      region: 'eu-west-1',
      clusterName: 'llm-prod',
      kubernetesVersion: '1.33',
      systemNodes: { instanceTypes: ['m6i.large'], minSize: 1, maxSize: 3, desiredSize: 2 },
      gpuNodes: {
        instanceTypes: ['g6.xlarge', 'g5.xlarge'],
        minSize: 0,
        maxSize: 3,
        diskSizeGiB: 100,
      },
    });
    expect(config.cost.pricedRegion).toBe('us-east-1');
    expect(config.cost.assumptions).toContain(
      "prices are us-east-1's; eu-west-1 may differ by a few to tens of percent",
    );
  });

  test('reads a JSON section as Pulumi hands it, with nested node groups', () => {
    const config = parseStackConfig({
      ...AWS,
      aws: JSON.stringify({
        region: 'us-east-1',
        natGateways: 'perZone',
        gpuNodes: {
          instanceTypes: 'g5.xlarge',
          minSize: '1',
          maxSize: 3,
          capacity: 'spot',
          labels: { tier: 'a' },
        },
      }),
    });
    expect(config.aws?.natGateways).toBe('perZone');
    expect(config.aws?.gpuNodes).toMatchObject({
      instanceTypes: ['g5.xlarge'],
      minSize: 1,
      maxSize: 3,
      capacity: 'spot',
      labels: { tier: 'a' },
    });
  });

  test('reports every problem at once, typos with the field they meant', () => {
    expect(
      problemsOf({
        ...AWS,
        maxReplicas: '8',
        modelCache: 'pvc',
        aws: {
          region: 'eu-west-1',
          kubernetesVersion: '1.33.1',
          gpuNode: {},
          gpuNodes: { maxSize: 2, capacity: 'cheap' },
          nodesInPublicSubnets: 'yes',
        },
      }),
    ).toEqual([
      'llm-deploy:aws.gpuNode = {}: is not a field of this section. Fix: did you mean gpuNodes?',
      'llm-deploy:aws.nodesInPublicSubnets = "yes": must be true or false. Fix: set nodesInPublicSubnets to true or false',
      'llm-deploy:aws.gpuNodes.capacity = "cheap": must be one of on-demand, spot. Fix: pick one of on-demand, spot',
      'llm-deploy:aws.gpuNodes.maxSize = 2: gives 2 GPU(s), but maxReplicas 8 x gpusPerReplica 1 needs 8. Fix: raise it to 8, or lower llm-deploy:maxReplicas',
      'llm-deploy:modelCache = "pvc": a shared cache needs ReadWriteMany, and this platform\'s default StorageClass (gp3, EBS) is ReadWriteOnce. Fix: use modelCache emptyDir (GPU node disks are sized for weights), or install a ReadWriteMany class (EFS, Filestore) and set llm-deploy:storageClass',
      'llm-deploy:aws.kubernetesVersion = "1.33.1": is not a Kubernetes minor version. Fix: use the form 1.33',
    ]);
  });

  test('a missing region is one problem, without the validator noise behind it', () => {
    expect(problemsOf({ target: 'aws', ...PROMETHEUS })).toEqual([
      'llm-deploy:aws.region = (not set): the AWS region is missing. Fix: set llm-deploy:aws.region, e.g. us-east-1',
    ]);
  });

  test('a replica needing more GPUs than a node has is caught with the cost', () => {
    expect(
      problemsOf({
        ...AWS,
        gpusPerReplica: '2',
        maxReplicas: '1',
        aws: { region: 'us-east-1', gpuNodes: { maxSize: 4 } },
      }),
    ).toEqual([
      'llm-deploy:gpusPerReplica = 2: a replica asks for 2 GPU(s) but a node carries 1. Fix: pick a larger node type',
    ]);
  });
});

describe('llm-deploy:gcp', () => {
  test('fills defaults from the workload', () => {
    const config = parseStackConfig({ ...GCP, maxReplicas: '2' });
    expect(config.gcp).toMatchObject({
      project: 'my-project',
      clusterName: 'llm',
      gpuNodes: {
        machineType: 'g2-standard-4',
        accelerator: { type: 'nvidia-l4', count: 1 },
        minNodes: 0,
        maxNodes: 2,
      },
      systemNodes: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3 },
    });
  });

  test('reports missing project and region, and bad nested fields, at once', () => {
    expect(
      problemsOf({
        ...PROMETHEUS,
        target: 'gcp',
        gcp: { gpuNodes: { accelerator: { type: 'nvidia-l4', count: 0 } } },
      }),
    ).toEqual([
      'llm-deploy:gcp.project = (not set): the Google Cloud project is missing. Fix: set llm-deploy:gcp.project to its id',
      'llm-deploy:gcp.region = (not set): the region is missing. Fix: set llm-deploy:gcp.region, e.g. us-central1',
      'llm-deploy:gcp.gpuNodes.accelerator.count = 0: must be between 1 and 16. Fix: pick a value in that range',
    ]);
  });

  test("passes the platform validator's problems through under the section", () => {
    expect(
      problemsOf({ ...GCP, gcp: { ...GCP.gcp, gpuNodes: { machineType: 'a3-highgpu-8g' } } }),
    ).toEqual([
      expect.stringMatching(
        /^llm-deploy:gcp\.gpuNodes\.machineType = "a3-highgpu-8g": no price for GCP machine type "a3-highgpu-8g" in infra\/lib\/pricing-table\.json .*Fix: add it from https:\/\/cloud\.google\.com/,
      ),
    ]);
  });
});

describe('llm-deploy:edge', () => {
  test('maps the shared keys onto the container', () => {
    const config = parseStackConfig({
      target: 'edge',
      model: 'owner/model',
      gpusPerReplica: '1',
      cpuLimit: '3500m',
      memoryLimit: '12Gi',
      modelLoadSeconds: '900',
      edge: { host: 'ssh://ops@gpu-box' },
    });
    expect(config.edge?.service).toMatchObject({
      host: 'ssh://ops@gpu-box',
      device: 'cuda',
      gpus: 1,
      dtype: 'fp32',
      cpus: 3.5,
      memoryMiB: 12288,
      startPeriodSeconds: 900,
      containerName: 'llm',
      env: { MODEL: 'owner/model', LOG_LEVEL: 'info', SHUTDOWN_GRACE_SECONDS: '25' },
      image: { build: {} },
    });
  });

  test('defaults Arm devices to q4 unless dtype is set', () => {
    const arm = (extra: Record<string, unknown>) =>
      parseStackConfig({ target: 'edge', edge: { platform: 'linux/arm64' }, ...extra }).edge!
        .service.dtype;
    expect(arm({})).toBeUndefined();
    expect(arm({ dtype: 'q8' })).toBe('q8');
  });

  test('pulls a pinned image, with the registry password as the secret it must be', () => {
    const image = `ghcr.io/acme/llm@sha256:${'a'.repeat(64)}`;
    expect(
      problemsOf({
        target: 'edge',
        image,
        edge: { registry: { server: 'ghcr.io', username: 'acme' } },
      }),
    ).toEqual([
      'llm-deploy:registryPassword = (not set): the password to pull from ghcr.io is missing. Fix: pulumi config set --secret llm-deploy:registryPassword <password>',
    ]);
    const config = parseStackConfig({
      target: 'edge',
      image,
      registryPassword: 'pw',
      edge: { registry: { server: 'ghcr.io', username: 'acme' } },
    });
    expect(config.edge).toMatchObject({
      service: { image: { pull: { ref: image } } },
      pullRegistry: { server: 'ghcr.io', username: 'acme' },
    });
  });

  test('reports container problems under the key the user set', () => {
    expect(
      problemsOf({
        target: 'edge',
        gpusPerReplica: '1',
        edge: { platform: 'linux/arm64', hostPort: 9090, hostPrt: 1 },
      }),
    ).toEqual([
      'llm-deploy:edge.hostPrt = 1: is not a field of this section. Fix: did you mean hostPort?',
      'llm-deploy:gpusPerReplica = 1: on the edge target, onnxruntime-node ships CUDA for linux/amd64 only. Fix: use device cpu on Arm hosts',
      'llm-deploy:edge.metricsHostPort = 9090: is the same port as hostPort. Fix: pick two different ports',
    ]);
  });
});
