import { AwsPlatform, awsArgProblems, type AwsPlatformArgs } from '../../../../infra/platforms/aws';
import { formatArgProblem, PlatformArgsError } from '../../../../infra/model';
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
    expect(problems.map(formatArgProblem)).toEqual([
      'kubernetesVersion = "1.33.2": is not a Kubernetes minor version. Fix: use the form 1.33',
      'availabilityZones = ["eu-west-1a"]: must name 2 to 8 zones. Fix: list two zones of the region at least',
      'vpcCidr = "10.0.0.0/8": is not an IPv4 CIDR from /16 to /20. Fix: use a private range like 10.0.0.0/16',
      'endpointAccess = {"publicAccess":false,"privateAccess":false}: leaves the EKS API unreachable. Fix: enable publicAccess or privateAccess',
      'systemNodes.diskSizeGiB = 10: is too small for the AMI (~10 GiB) and images. Fix: use 20 or more',
      'gpuNodes = {"minSize":3,"desiredSize":3,"maxSize":2}: needs 0 <= minSize <= desiredSize <= maxSize. Fix: raise maxSize or lower minSize',
      'gpuNodes.instanceTypes = ["m6i.large","g5g.xlarge"]: mixes Arm and x86 types; one AMI serves one architecture. Fix: keep only g5g.xlarge or only the others',
      'gpuNodes.instanceTypes = ["m6i.large","g5g.xlarge"]: m6i.large has no GPU. Fix: use GPU types such as g6.xlarge, g5.xlarge',
      'systemNodes.minSize = 0: leaves no node for the autoscaler and add-ons. Fix: set it to 1 or more',
    ]);
  });

  it('names instance types the pricing table lacks and where to price them', () => {
    const [problem] = awsArgProblems({
      ...base,
      gpuNodes: { ...base.gpuNodes, instanceTypes: ['p5.48xlarge'] },
    });
    expect(problem!.field).toBe('gpuNodes.instanceTypes');
    expect(problem!.why).toMatch(/^no price for EC2 instance type "p5.48xlarge"/);
    expect(problem!.fix).toContain('https://aws.amazon.com/ec2/pricing/on-demand/');
  });

  it('refuses to build a platform from bad args, before any resource exists', () => {
    const before = stack.resources.length;
    expect(() => new AwsPlatform('bad', { ...base, clusterName: '1-bad name' })).toThrow(
      PlatformArgsError,
    );
    expect(() => new AwsPlatform('bad', { ...base, clusterName: '1-bad name' })).toThrow(
      'AwsPlatform:\n  - clusterName = "1-bad name": is not an EKS cluster name.',
    );
    expect(stack.resources.length).toBe(before);
  });
});
