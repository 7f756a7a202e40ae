import { GcpPlatform, gcpArgProblems, type GcpPlatformArgs } from '../../../../infra/platforms/gcp';
import { formatArgProblem } from '../../../../infra/model';
import { installMocks, settle, valueOf, type Loose } from '../support/mocks';

const stack = installMocks('gcp');

const args: GcpPlatformArgs = {
  project: 'my-project',
  region: 'us-central1',
  clusterName: 'llm-gke',
  systemNodes: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGiB: 50 },
  gpuNodes: {
    machineType: 'g2-standard-4',
    accelerator: { type: 'nvidia-l4', count: 1 },
    minNodes: 0,
    maxNodes: 4,
    diskSizeGiB: 200,
    capacity: 'spot',
    zones: ['us-central1-a', 'us-central1-c'],
  },
  labels: { team: 'ml' },
};

let platform: GcpPlatform;
let privatePlatform: GcpPlatform;

beforeAll(async () => {
  platform = new GcpPlatform('gke', args);
  privatePlatform = new GcpPlatform('priv', {
    ...args,
    clusterName: 'llm-private',
    privateNodes: true,
    masterAuthorizedCidrs: ['198.51.100.0/24'],
  });
  await valueOf(platform.kubeconfig);
  await valueOf(privatePlatform.kubeconfig);
  await settle();
});

const inputs = (name: string, type: string) =>
  stack.named(name, type).inputs as Record<string, Loose>;
const NODE_POOL = 'gcp:container/nodePool:NodePool';
const CLUSTER = 'gcp:container/cluster:Cluster';

describe('GPU node pool', () => {
  it('attaches the accelerator with drivers installed by GKE', () => {
    const pool = inputs('gke-gpu', NODE_POOL);
    expect(pool.nodeConfig.machineType).toBe('g2-standard-4');
    expect(pool.nodeConfig.guestAccelerators).toEqual([
      { type: 'nvidia-l4', count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: 'DEFAULT' } },
    ]);
    expect(platform.platform.provides.gpuDevicePlugin).toBe(true);
  });

  it('carries the taint the workload tolerates and the labels it selects', () => {
    const pool = inputs('gke-gpu', NODE_POOL);
    expect(pool.nodeConfig.taints).toEqual(
      platform.platform.gpu.taints.map((t) => ({
        key: t.key,
        value: t.value,
        effect: 'NO_SCHEDULE',
      })),
    );
    expect(platform.platform.gpu.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
    ]);
    expect(pool.nodeConfig.labels['llm-deploy/pool']).toBe(
      platform.platform.gpu.nodeSelector['llm-deploy/pool'],
    );
    expect(platform.platform.gpu.nodeSelector['cloud.google.com/gke-accelerator']).toBe(
      'nvidia-l4',
    );
  });

  it('autoscales from zero within the configured bounds, on spot, in the zones given', () => {
    const pool = inputs('gke-gpu', NODE_POOL);
    expect(pool.autoscaling).toEqual({
      totalMinNodeCount: 0,
      totalMaxNodeCount: 4,
      locationPolicy: 'ANY',
    });
    expect(pool.initialNodeCount).toBe(0);
    expect(pool.nodeConfig.spot).toBe(true);
    expect(pool.nodeLocations).toEqual(['us-central1-a', 'us-central1-c']);
    expect(pool.nodeConfig.diskSizeGb).toBe(200);
  });

  it('keeps the system pool untainted and on demand', () => {
    const pool = inputs('gke-system', NODE_POOL);
    expect(pool.nodeConfig.taints).toBeUndefined();
    expect(pool.nodeConfig.guestAccelerators).toBeUndefined();
    expect(pool.nodeConfig.spot).toBe(false);
    expect(pool.autoscaling).toMatchObject({ totalMinNodeCount: 1, totalMaxNodeCount: 3 });
  });
});

describe('cluster', () => {
  it('turns Workload Identity on for the cluster and every node pool', () => {
    expect(inputs('gke-gke', CLUSTER).workloadIdentityConfig).toEqual({
      workloadPool: 'my-project.svc.id.goog',
    });
    for (const pool of stack.ofType(NODE_POOL)) {
      expect((pool.inputs as Loose).nodeConfig.workloadMetadataConfig).toEqual({
        mode: 'GKE_METADATA',
      });
    }
  });

  it('follows a release channel and replaces the default node pool', () => {
    const cluster = inputs('gke-gke', CLUSTER);
    expect(cluster.releaseChannel).toEqual({ channel: 'REGULAR' });
    expect(cluster.removeDefaultNodePool).toBe(true);
    expect(cluster.ipAllocationPolicy).toEqual({
      clusterSecondaryRangeName: 'pods',
      servicesSecondaryRangeName: 'services',
    });
  });

  it('has public nodes and no NAT by default; private nodes with Cloud NAT when asked', () => {
    expect(inputs('gke-gke', CLUSTER).privateClusterConfig).toBeUndefined();
    expect(stack.ofType('gcp:compute/routerNat:RouterNat').map((r) => r.name)).toEqual([
      'priv-nat',
    ]);
    const priv = inputs('priv-gke', CLUSTER);
    expect(priv.privateClusterConfig).toEqual({
      enablePrivateNodes: true,
      enablePrivateEndpoint: false,
      masterIpv4CidrBlock: '172.16.0.0/28',
    });
    expect(priv.masterAuthorizedNetworksConfig).toEqual({
      cidrBlocks: [{ cidrBlock: '198.51.100.0/24' }],
    });
  });

  it('enables the APIs it needs', () => {
    const services = stack
      .ofType('gcp:projects/service:Service')
      .filter((s) => s.name.startsWith('gke-'));
    expect(services.map((s) => s.inputs.service).sort()).toEqual([
      'artifactregistry.googleapis.com',
      'compute.googleapis.com',
      'container.googleapis.com',
    ]);
  });
});

describe('Artifact Registry', () => {
  it('is a Docker repository with immutable tags and cleanup', () => {
    const repo = inputs('gke-repo', 'gcp:artifactregistry/repository:Repository');
    expect(repo).toMatchObject({
      format: 'DOCKER',
      location: 'us-central1',
      repositoryId: 'llm-gke',
      dockerConfig: { immutableTags: true },
    });
    expect(repo.cleanupPolicies.map((p: Loose) => p.id)).toEqual([
      'delete-untagged',
      'delete-old-tagged',
      'keep-newest',
    ]);
  });

  it('hands the image push the registry with an access token as a secret', async () => {
    const registry = platform.platform.registry;
    expect(await valueOf(registry.server)).toBe('us-central1-docker.pkg.dev');
    expect(await valueOf(registry.repository)).toBe(
      'us-central1-docker.pkg.dev/my-project/llm-gke/llm-deploy',
    );
    expect(await valueOf(registry.username)).toBe('oauth2accesstoken');
    expect(await valueOf(registry.password)).toBe('ya29.mock-access-token');
    expect(await (registry.password as Loose).isSecret).toBe(true);
  });

  it('lets the node service account read this repository and nothing more', () => {
    const reader = inputs(
      'gke-repo-node-reader',
      'gcp:artifactregistry/repositoryIamMember:RepositoryIamMember',
    );
    expect(reader).toMatchObject({
      role: 'roles/artifactregistry.reader',
      member: 'serviceAccount:llm-gke-nodes@my-project.iam.gserviceaccount.com',
    });
    const projectRoles = stack.ofType('gcp:projects/iAMMember:IAMMember').map((m) => m.inputs.role);
    expect(new Set(projectRoles)).toEqual(new Set(['roles/container.defaultNodeServiceAccount']));
    for (const pool of stack.ofType(NODE_POOL)) {
      expect((pool.inputs as Loose).nodeConfig.serviceAccount).toMatch(
        /-nodes@my-project\.iam\.gserviceaccount\.com$/,
      );
    }
  });
});

describe('kubeconfig', () => {
  it('authenticates with gke-gcloud-auth-plugin', async () => {
    const config = JSON.parse(await valueOf(platform.kubeconfig));
    expect(config.clusters[0].cluster.server).toBe('https://203.0.113.10');
    expect(config.users[0].user.exec).toMatchObject({
      command: 'gke-gcloud-auth-plugin',
      provideClusterInfo: true,
    });
  });
});

describe('GCP args validation', () => {
  it('accepts the example args', () => {
    expect(gcpArgProblems(args)).toEqual([]);
  });

  it('reports every problem at once', () => {
    expect(
      gcpArgProblems({
        ...args,
        project: 'X',
        location: 'europe-west4-a',
        masterCidr: '172.16.0.0/24',
        systemNodes: { ...args.systemNodes, minNodes: 0 },
        gpuNodes: {
          ...args.gpuNodes,
          accelerator: { type: 'nvidia-tesla-t4', count: 1 },
          zones: ['us-east1-b'],
        },
      }).map(formatArgProblem),
    ).toEqual([
      'project = "X": is not a project id. Fix: use the id (6-30 lowercase letters, digits, \'-\'), not the name',
      'location = "europe-west4-a": is neither us-central1 nor one of its zones. Fix: use us-central1 or us-central1-a',
      'masterCidr = "172.16.0.0/24": must be a /28. Fix: use a /28 such as 172.16.0.0/28',
      'gpuNodes.zones = ["us-east1-b"]: us-east1-b not in us-central1. Fix: use zones like us-central1-a',
      'systemNodes.minNodes = 0: leaves no node for system pods. Fix: set it to 1 or more',
      'gpuNodes.machineType = "g2-standard-4": g2-standard-4 comes with nvidia-l4, not nvidia-tesla-t4. Fix: pick a machine type that carries nvidia-tesla-t4 or set the accelerator to nvidia-l4',
    ]);
  });
});
