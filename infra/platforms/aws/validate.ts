import { awsInstancePrice, PricingError } from '../../lib/pricing';
import type { AwsNodeGroupArgs, AwsPlatformArgs } from './args';
import { parseCidr } from '../../lib/cidr';
import { isArmInstanceType } from './node-groups';

/** Private subnets take the first 8 of 16 slots of the VPC CIDR, public ones the last 8. */
export const MAX_ZONES = 8;

function nodeGroupProblems(key: string, group: AwsNodeGroupArgs, needsGpu: boolean): string[] {
  const problems: string[] = [];
  const desired = group.desiredSize ?? group.minSize;
  if (group.instanceTypes.length === 0)
    problems.push(`${key}.instanceTypes is empty; name one at least`);
  if (!(group.minSize >= 0 && group.minSize <= desired && desired <= group.maxSize)) {
    problems.push(
      `${key}: need 0 <= minSize (${group.minSize}) <= desiredSize (${desired}) <= maxSize (${group.maxSize})`,
    );
  }
  if (group.maxSize < 1) problems.push(`${key}.maxSize (${group.maxSize}) must be 1 at least`);
  if (group.diskSizeGiB < 20) {
    problems.push(
      `${key}.diskSizeGiB (${group.diskSizeGiB}) must be 20 at least (the AMI takes ~10)`,
    );
  }
  const arm = group.instanceTypes.filter(isArmInstanceType);
  if (arm.length > 0 && arm.length < group.instanceTypes.length) {
    problems.push(
      `${key}.instanceTypes (${group.instanceTypes.join(', ')}) mix Arm (${arm.join(', ')}) and x86; one AMI serves one architecture`,
    );
  }
  const first = group.instanceTypes[0];
  if (first === undefined) return problems;
  try {
    const price = awsInstancePrice(first, group.capacity ?? 'on-demand');
    if (needsGpu && price.gpus === 0) {
      problems.push(
        `${key}.instanceTypes[0] (${first}) has no GPU; use a GPU type such as g6.xlarge`,
      );
    }
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    problems.push(`${key}.instanceTypes[0]: ${error.message}`);
  }
  return problems;
}

/** Every problem with `args`, each naming the key and the value; empty when they are usable. */
export function awsArgProblems(args: AwsPlatformArgs): string[] {
  const problems: string[] = [];
  if (!/^1\.\d{2}$/.test(args.kubernetesVersion)) {
    problems.push(
      `kubernetesVersion (${args.kubernetesVersion}) must be a minor version like 1.33`,
    );
  }
  if (!/^[a-zA-Z][a-zA-Z0-9-]{0,99}$/.test(args.clusterName)) {
    problems.push(
      `clusterName (${args.clusterName}) must be letters, digits and '-', starting with a letter`,
    );
  }
  const zones = args.availabilityZones;
  if (zones && (zones.length < 2 || zones.length > MAX_ZONES)) {
    problems.push(`availabilityZones (${zones.join(', ')}) must name 2 to ${MAX_ZONES} zones`);
  }
  const vpc = parseCidr(args.vpcCidr ?? '10.0.0.0/16');
  if (!vpc || vpc.prefix < 16 || vpc.prefix > 20) {
    problems.push(
      `vpcCidr (${args.vpcCidr}) must be an IPv4 CIDR from /16 to /20, like 10.0.0.0/16`,
    );
  }
  const access = args.endpointAccess;
  if (access?.publicAccess === false && access.privateAccess === false) {
    problems.push('endpointAccess: publicAccess and privateAccess are both false; enable one');
  }
  problems.push(...nodeGroupProblems('systemNodes', args.systemNodes, false));
  problems.push(...nodeGroupProblems('gpuNodes', args.gpuNodes, true));
  if (args.systemNodes.minSize < 1) {
    problems.push(
      `systemNodes.minSize (${args.systemNodes.minSize}) must be 1 at least: the autoscaler runs there`,
    );
  }
  return problems;
}
