import { AwsPlatform, awsArgProblems, type AwsPlatformArgs } from '../../../../infra/platforms/aws';
import { PlatformArgsError } from '../../../../infra/platforms/args-error';
import { installMocks, settle, valueOf, type Loose } from '../support/mocks';

const stack = installMocks('options');

const base: AwsPlatformArgs = {
  region: 'eu-west-1',
  clusterName: 'llm-opt',
  kubernetesVersion: '1.33',
  systemNodes: { instanceTypes: ['m7g.large'], minSize: 1, maxSize: 2, diskSizeGiB: 30 },
  gpuNodes: { instanceTypes: ['g5g.xlarge'], minSize: 1, maxSize: 2, diskSizeGiB: 100 },
};

const ofPlatform = (prefix: string, type: string) =>
  stack.ofType(type).filter((r) => r.name.startsWith(`${prefix}-`));

async function build(name: string, args: AwsPlatformArgs): Promise<void> {
  const platform = new AwsPlatform(name, args);
  await valueOf(platform.kubeconfig);
  await settle();
}

describe('AWS options', () => {
  it('puts nodes in public subnets with public IPs, and no NAT, only when configured', async () => {
    await build('pub', { ...base, nodesInPublicSubnets: true });
    const subnets = ofPlatform('pub', 'aws:ec2/subnet:Subnet');
    const publicIds = subnets
      .filter((s) => s.name.startsWith('pub-public-'))
      .map((s) => `${s.name}-id`);
    const group = stack.named('pub-gpu', 'aws:eks/nodeGroup:NodeGroup').inputs as Loose;
    expect(group.subnetIds.sort()).toEqual(publicIds.sort());
    for (const s of subnets.filter((s) => s.name.startsWith('pub-public-'))) {
      expect(s.inputs.mapPublicIpOnLaunch).toBe(true);
    }
    expect(ofPlatform('pub', 'aws:ec2/natGateway:NatGateway')).toEqual([]);
  });

  it('makes one NAT gateway per zone over the zones given', async () => {
    await build('ha', {
      ...base,
      availabilityZones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
      natGateways: 'perZone',
      vpcCidr: '10.20.0.0/18',
    });
    expect(ofPlatform('ha', 'aws:ec2/natGateway:NatGateway')).toHaveLength(3);
    const cidrs = ofPlatform('ha', 'aws:ec2/subnet:Subnet').map((s) => s.inputs.cidrBlock);
    expect(cidrs.sort()).toEqual(
      [
        '10.20.0.0/22',
        '10.20.4.0/22',
        '10.20.8.0/22',
        '10.20.32.0/22',
        '10.20.36.0/22',
        '10.20.40.0/22',
      ].sort(),
    );
    const routes = ofPlatform('ha', 'aws:ec2/routeTable:RouteTable').filter((r) =>
      r.name.includes('private'),
    );
    expect(routes.map((r) => (r.inputs.routes as Loose[])[0].natGatewayId).sort()).toEqual([
      'ha-nat-0-id',
      'ha-nat-1-id',
      'ha-nat-2-id',
    ]);
  });

  it('picks the Arm AMIs for Graviton instance types', async () => {
    await build('arm', base);
    expect(stack.named('arm-gpu', 'aws:eks/nodeGroup:NodeGroup').inputs.amiType).toBe(
      'AL2023_ARM_64_NVIDIA',
    );
    expect(stack.named('arm-system', 'aws:eks/nodeGroup:NodeGroup').inputs.amiType).toBe(
      'AL2023_ARM_64_STANDARD',
    );
  });
});

describe('AWS args validation', () => {
  it('accepts the base args', () => {
    expect(awsArgProblems(base)).toEqual([]);
  });

  it('reports every problem at once, naming the key and the value', () => {
    const problems = awsArgProblems({
      ...base,
      kubernetesVersion: '1.33.2',
      availabilityZones: ['eu-west-1a'],
      vpcCidr: '10.0.0.0/8',
      endpointAccess: { publicAccess: false, privateAccess: false },
      systemNodes: { instanceTypes: ['m6i.large'], minSize: 0, maxSize: 2, diskSizeGiB: 10 },
      gpuNodes: {
        instanceTypes: ['m6i.large', 'g5g.xlarge'],
        minSize: 3,
        maxSize: 2,
        diskSizeGiB: 100,
      },
    });
    expect(problems).toEqual([
      'kubernetesVersion (1.33.2) must be a minor version like 1.33',
      'availabilityZones (eu-west-1a) must name 2 to 8 zones',
      'vpcCidr (10.0.0.0/8) must be an IPv4 CIDR from /16 to /20, like 10.0.0.0/16',
      'endpointAccess: publicAccess and privateAccess are both false; enable one',
      'systemNodes.diskSizeGiB (10) must be 20 at least (the AMI takes ~10)',
      'gpuNodes: need 0 <= minSize (3) <= desiredSize (3) <= maxSize (2)',
      'gpuNodes.instanceTypes (m6i.large, g5g.xlarge) mix Arm (g5g.xlarge) and x86; one AMI serves one architecture',
      'gpuNodes.instanceTypes[0] (m6i.large) has no GPU; use a GPU type such as g6.xlarge',
      'systemNodes.minSize (0) must be 1 at least: the autoscaler runs there',
    ]);
  });

  it('names instance types the pricing table lacks and where to price them', () => {
    const [problem] = awsArgProblems({
      ...base,
      gpuNodes: { ...base.gpuNodes, instanceTypes: ['p5.48xlarge'] },
    });
    expect(problem).toMatch(
      /^gpuNodes.instanceTypes\[0\]: no price for EC2 instance type "p5.48xlarge"/,
    );
    expect(problem).toContain('https://aws.amazon.com/ec2/pricing/on-demand/');
  });

  it('refuses to build a platform from bad args, before any resource exists', () => {
    const before = stack.resources.length;
    expect(() => new AwsPlatform('bad', { ...base, clusterName: '1-bad name' })).toThrow(
      PlatformArgsError,
    );
    expect(() => new AwsPlatform('bad', { ...base, clusterName: '1-bad name' })).toThrow(
      "AwsPlatform: clusterName (1-bad name) must be letters, digits and '-', starting with a letter",
    );
    expect(stack.resources.length).toBe(before);
  });
});
