import { AwsPlatform, type AwsPlatformArgs } from '../../../../infra/platforms/aws';
import {
  ACCOUNT_ID,
  installMocks,
  isSecretInput,
  settle,
  valueOf,
  type Loose,
} from '../support/mocks';

const stack = installMocks('prod');
const ADDON = 'aws:eks/addon:Addon';

const args: AwsPlatformArgs = {
  region: 'us-east-1',
  clusterName: 'llm-prod',
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
    capacity: 'spot',
    labels: { 'llm-deploy/model': 'tiny' },
  },
  endpointAccess: { publicAccessCidrs: ['198.51.100.0/24'] },
};

let platform: AwsPlatform;

beforeAll(async () => {
  platform = new AwsPlatform('prod', args);
  await valueOf(platform.kubeconfig);
  await settle();
});

const nodeGroup = (name: string) => stack.named(name).inputs as Record<string, Loose>;
const subnetIds = (prefix: string) =>
  stack
    .ofType('aws:ec2/subnet:Subnet')
    .filter((s) => s.name.startsWith(prefix))
    .map((s) => `${s.name}-id`);

describe('GPU node group', () => {
  it('runs the NVIDIA AL2023 AMI on the configured instance types and spot capacity', () => {
    const gpu = nodeGroup('prod-gpu');
    expect(gpu.amiType).toBe('AL2023_x86_64_NVIDIA');
    expect(gpu.instanceTypes).toEqual(['g6.xlarge', 'g5.xlarge']);
    expect(gpu.capacityType).toBe('SPOT');
    expect(nodeGroup('prod-system').amiType).toBe('AL2023_x86_64_STANDARD');
  });

  it('carries the taint the workload tolerates and the label it selects', () => {
    const gpu = nodeGroup('prod-gpu');
    expect(platform.platform.gpu.taints).toEqual([
      { key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' },
    ]);
    expect(gpu.taints).toEqual(
      platform.platform.gpu.taints.map((t) => ({
        key: t.key,
        value: t.value,
        effect: 'NO_SCHEDULE',
      })),
    );
    for (const [key, value] of Object.entries(platform.platform.gpu.nodeSelector)) {
      expect(gpu.labels[key]).toBe(value);
    }
    expect(gpu.labels['llm-deploy/model']).toBe('tiny');
    expect(nodeGroup('prod-system').taints).toEqual([]);
  });

  it('scales within the configured bounds, starting at the minimum', () => {
    expect(nodeGroup('prod-gpu').scalingConfig).toEqual({ minSize: 0, maxSize: 4, desiredSize: 0 });
    expect(nodeGroup('prod-system').scalingConfig).toEqual({
      minSize: 1,
      maxSize: 3,
      desiredSize: 2,
    });
  });

  it('sizes the root volume from config, encrypted, with IMDSv2 limited to the node', () => {
    const template = stack.named('prod-gpu-lt').inputs as Record<string, Loose>;
    expect(template.blockDeviceMappings[0].ebs).toMatchObject({
      volumeSize: 200,
      volumeType: 'gp3',
      encrypted: 'true',
    });
    expect(template.metadataOptions).toMatchObject({
      httpTokens: 'required',
      httpPutResponseHopLimit: 1,
    });
    expect(nodeGroup('prod-gpu').launchTemplate.id).toBe('prod-gpu-lt-id');
  });
});

describe('network', () => {
  it('spreads public and private subnets over two zones with one NAT gateway', () => {
    const subnets = stack
      .ofType('aws:ec2/subnet:Subnet')
      .map((s) => s.inputs as Record<string, Loose>);
    expect(subnets).toHaveLength(4);
    expect(new Set(subnets.map((s) => s.availabilityZone))).toEqual(
      new Set(['us-east-1a', 'us-east-1b']),
    );
    expect(subnets.map((s) => s.cidrBlock).sort()).toEqual(
      ['10.0.0.0/20', '10.0.16.0/20', '10.0.128.0/20', '10.0.144.0/20'].sort(),
    );
    expect(stack.ofType('aws:ec2/natGateway:NatGateway')).toHaveLength(1);
  });

  it('puts nodes in private subnets only, without public IPs', () => {
    const priv = subnetIds('prod-private-');
    for (const group of ['prod-system', 'prod-gpu']) {
      expect(nodeGroup(group).subnetIds.sort()).toEqual(priv.sort());
    }
    for (const subnet of stack.ofType('aws:ec2/subnet:Subnet')) {
      expect(subnet.inputs.mapPublicIpOnLaunch).toBe(false);
    }
    const privateRoutes = stack
      .ofType('aws:ec2/routeTable:RouteTable')
      .filter((r) => r.name.includes('private'));
    for (const table of privateRoutes) {
      expect((table.inputs.routes as Loose[])[0]).toEqual({
        cidrBlock: '0.0.0.0/0',
        natGatewayId: 'prod-nat-0-id',
      });
    }
  });
});

describe('EKS control plane', () => {
  const cluster = () => stack.named('prod-eks').inputs as Record<string, Loose>;

  it('pins the Kubernetes version and encrypts Secrets with a rotating KMS key', () => {
    expect(cluster().version).toBe('1.33');
    expect(cluster().encryptionConfig).toEqual({
      provider: { keyArn: expect.stringContaining(':kms:') },
      resources: ['secrets'],
    });
    expect(stack.named('prod-secrets').inputs.enableKeyRotation).toBe(true);
  });

  it('applies the configured endpoint access', () => {
    expect(cluster().vpcConfig).toMatchObject({
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ['198.51.100.0/24'],
    });
  });

  it('has an OIDC provider for IRSA trusted by STS', () => {
    const oidc = stack.named('prod-oidc').inputs as Record<string, Loose>;
    expect(oidc.url).toBe('https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF');
    expect(oidc.clientIdLists).toEqual(['sts.amazonaws.com']);
  });

  it('runs the VPC CNI add-on under its own IRSA role', () => {
    const cni = stack.named('prod-vpc-cni', ADDON).inputs as Record<string, Loose>;
    expect(cni.addonName).toBe('vpc-cni');
    expect(cni.serviceAccountRoleArn).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/prod-vpc-cni`);
  });
});

describe('storage', () => {
  it('installs the EBS CSI driver with IRSA and a gp3 StorageClass the cache PVC uses', async () => {
    const ebs = stack.named('prod-ebs-csi', ADDON).inputs as Record<string, Loose>;
    expect(ebs.addonName).toBe('aws-ebs-csi-driver');
    expect(ebs.serviceAccountRoleArn).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/prod-ebs-csi`);
    const sc = stack.named('prod-gp3').inputs as Record<string, Loose>;
    expect(sc).toMatchObject({
      provisioner: 'ebs.csi.aws.com',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
    expect(await valueOf(platform.platform.storageClassName!)).toBe('gp3');
  });
});

describe('ECR', () => {
  it('scans on push, keeps tags immutable and expires old images', () => {
    const repo = stack.named('prod-repo').inputs as Record<string, Loose>;
    expect(repo).toMatchObject({
      name: 'llm-deploy/llm-prod',
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
    });
    const rules = JSON.parse(stack.named('prod-repo-lifecycle').inputs.policy as string).rules;
    expect(rules.map((r: Loose) => r.selection.tagStatus)).toEqual(['untagged', 'any']);
  });

  it('hands the image push a registry target with the ECR token as a secret', async () => {
    const registry = platform.platform.registry;
    expect(await valueOf(registry.server)).toBe(`${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com`);
    expect(await valueOf(registry.repository)).toBe(
      `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/llm-deploy/llm-prod`,
    );
    expect(await valueOf(registry.username)).toBe('AWS');
    expect(await valueOf(registry.password)).toBe('ecr-token-password');
    expect(await (registry.password as Loose).isSecret).toBe(true);
  });
});

describe('kubeconfig', () => {
  it('gets tokens from aws eks get-token for the cluster and region', async () => {
    const config = JSON.parse(await valueOf(platform.kubeconfig));
    expect(config.clusters[0].cluster.server).toMatch(/^https:\/\/.*eks\.amazonaws\.com$/);
    expect(config.users[0].user.exec).toMatchObject({
      command: 'aws',
      args: [
        'eks',
        'get-token',
        '--cluster-name',
        'llm-prod',
        '--region',
        'us-east-1',
        '--output',
        'json',
      ],
    });
    expect(isSecretInput(stack.named('prod-k8s').inputs.kubeconfig)).toBe(false);
  });
});

describe('as a library component', () => {
  it('exposes the EKS cluster and its OIDC provider', async () => {
    expect(await valueOf(platform.cluster.name)).toBe('llm-prod');
    expect(await valueOf(platform.oidcProvider.arn)).toMatch(/:oidc-provider\/oidc\.eks\./);
    expect(platform.provider).toBe(platform.platform.provider);
  });

  it('keeps its args in its state', () => {
    const state = stack.named('prod', 'llm-deploy:aws:AwsPlatform').inputs as Loose;
    expect(state).toMatchObject({ region: 'us-east-1', clusterName: 'llm-prod' });
    expect(state.gpuNodes.instanceTypes).toEqual(['g6.xlarge', 'g5.xlarge']);
  });
});
