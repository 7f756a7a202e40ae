import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { subnetCidr } from '../../lib/cidr';

export interface NetworkArgs {
  clusterName: string;
  vpcCidr: string;
  zones: pulumi.Input<string>[];
  natGateways: 'single' | 'perZone' | 'none';
}

export interface Network {
  vpc: aws.ec2.Vpc;
  publicSubnets: aws.ec2.Subnet[];
  privateSubnets: aws.ec2.Subnet[];
  natGateways: aws.ec2.NatGateway[];
}

const SLOTS_BITS = 4; // 16 slots: private subnets in 0..7, public in 8..15
const PUBLIC_OFFSET = 8;

/**
 * A VPC with one public and one private subnet per zone. Public subnets route to an internet
 * gateway and carry the tag internet-facing load balancers look for; private subnets route
 * through NAT and carry the internal load balancer tag.
 */
export function createNetwork(
  name: string,
  args: NetworkArgs,
  opts: pulumi.CustomResourceOptions,
): Network {
  const clusterTag = { [`kubernetes.io/cluster/${args.clusterName}`]: 'shared' };
  const vpc = new aws.ec2.Vpc(
    `${name}-vpc`,
    {
      cidrBlock: args.vpcCidr,
      enableDnsHostnames: true,
      enableDnsSupport: true,
      tags: { Name: `${args.clusterName}-vpc` },
    },
    opts,
  );
  const withVpc = { ...opts, parent: vpc };
  const igw = new aws.ec2.InternetGateway(`${name}-igw`, { vpcId: vpc.id }, withVpc);
  const publicRoutes = new aws.ec2.RouteTable(
    `${name}-public`,
    { vpcId: vpc.id, routes: [{ cidrBlock: '0.0.0.0/0', gatewayId: igw.id }] },
    withVpc,
  );

  const publicSubnets = args.zones.map((zone, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-public-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: subnetCidr(args.vpcCidr, SLOTS_BITS, PUBLIC_OFFSET + i),
        mapPublicIpOnLaunch: args.natGateways === 'none',
        tags: {
          ...clusterTag,
          'kubernetes.io/role/elb': '1',
          Name: `${args.clusterName}-public-${i}`,
        },
      },
      withVpc,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-public-${i}`,
      { subnetId: subnet.id, routeTableId: publicRoutes.id },
      { ...opts, parent: subnet },
    );
    return subnet;
  });

  const natCount = { none: 0, single: 1, perZone: args.zones.length }[args.natGateways];
  const natGateways = publicSubnets.slice(0, natCount).map((subnet, i) => {
    const eip = new aws.ec2.Eip(`${name}-nat-${i}`, { domain: 'vpc' }, withVpc);
    return new aws.ec2.NatGateway(
      `${name}-nat-${i}`,
      { subnetId: subnet.id, allocationId: eip.id, tags: { Name: `${args.clusterName}-nat-${i}` } },
      { ...withVpc, dependsOn: [igw] },
    );
  });

  const privateSubnets = args.zones.map((zone, i) => {
    const subnet = new aws.ec2.Subnet(
      `${name}-private-${i}`,
      {
        vpcId: vpc.id,
        availabilityZone: zone,
        cidrBlock: subnetCidr(args.vpcCidr, SLOTS_BITS, i),
        mapPublicIpOnLaunch: false,
        tags: {
          ...clusterTag,
          'kubernetes.io/role/internal-elb': '1',
          Name: `${args.clusterName}-private-${i}`,
        },
      },
      withVpc,
    );
    const nat = natGateways[Math.min(i, natGateways.length - 1)];
    const routes = new aws.ec2.RouteTable(
      `${name}-private-${i}`,
      { vpcId: vpc.id, routes: nat ? [{ cidrBlock: '0.0.0.0/0', natGatewayId: nat.id }] : [] },
      withVpc,
    );
    new aws.ec2.RouteTableAssociation(
      `${name}-private-${i}`,
      { subnetId: subnet.id, routeTableId: routes.id },
      { ...opts, parent: subnet },
    );
    return subnet;
  });

  return { vpc, publicSubnets, privateSubnets, natGateways };
}
