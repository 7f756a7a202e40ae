import { parseCidr } from '../../lib/cidr';
import { awsInstancePrice, PricingError } from '../../lib/pricing';
import { argProblem as problem, type ArgProblem } from '../../model';
import type { AwsNodeGroupArgs, AwsPlatformArgs } from './args';
import { isArmInstanceType } from './ami';

/** Private subnets take the first 8 of 16 slots of the VPC CIDR, public ones the last 8. */
export const MAX_ZONES = 8;

function sizeProblems(key: string, group: AwsNodeGroupArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const desired = group.desiredSize ?? group.minSize;
  if (!(group.minSize >= 0 && group.minSize <= desired && desired <= group.maxSize)) {
    problems.push(
      problem(
        key,
        { minSize: group.minSize, desiredSize: desired, maxSize: group.maxSize },
        'needs 0 <= minSize <= desiredSize <= maxSize',
        'raise maxSize or lower minSize',
      ),
    );
  }
  if (group.maxSize < 1)
    problems.push(
      problem(`${key}.maxSize`, group.maxSize, 'must be 1 at least', 'set it to 1 or more'),
    );
  if (group.diskSizeGiB < 20) {
    problems.push(
      problem(
        `${key}.diskSizeGiB`,
        group.diskSizeGiB,
        'is too small for the AMI (~10 GiB) and images',
        'use 20 or more',
      ),
    );
  }
  return problems;
}

function typeProblems(key: string, group: AwsNodeGroupArgs, needsGpu: boolean): ArgProblem[] {
  const types = group.instanceTypes;
  if (types.length === 0)
    return [problem(`${key}.instanceTypes`, types, 'is empty', 'name one instance type at least')];
  const problems: ArgProblem[] = [];
  const arm = types.filter(isArmInstanceType);
  if (arm.length > 0 && arm.length < types.length) {
    problems.push(
      problem(
        `${key}.instanceTypes`,
        types,
        'mixes Arm and x86 types; one AMI serves one architecture',
        `keep only ${arm.join(', ')} or only the others`,
      ),
    );
  }
  try {
    const price = awsInstancePrice(types[0]!, group.capacity ?? 'on-demand');
    if (needsGpu && price.gpus === 0) {
      problems.push(
        problem(
          `${key}.instanceTypes`,
          types,
          `${types[0]} has no GPU`,
          'use GPU types such as g6.xlarge, g5.xlarge',
        ),
      );
    }
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    problems.push(problem(`${key}.instanceTypes`, types, error.why, error.fix));
  }
  return problems;
}

function networkProblems(args: AwsPlatformArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  const zones = args.availabilityZones;
  if (zones && (zones.length < 2 || zones.length > MAX_ZONES)) {
    problems.push(
      problem(
        'availabilityZones',
        zones,
        `must name 2 to ${MAX_ZONES} zones`,
        'list two zones of the region at least',
      ),
    );
  }
  const vpc = parseCidr(args.vpcCidr ?? '10.0.0.0/16');
  if (!vpc || vpc.prefix < 16 || vpc.prefix > 20) {
    problems.push(
      problem(
        'vpcCidr',
        args.vpcCidr,
        'is not an IPv4 CIDR from /16 to /20',
        'use a private range like 10.0.0.0/16',
      ),
    );
  }
  const access = args.endpointAccess;
  if (access?.publicAccess === false && access.privateAccess === false) {
    problems.push(
      problem(
        'endpointAccess',
        access,
        'leaves the EKS API unreachable',
        'enable publicAccess or privateAccess',
      ),
    );
  }
  return problems;
}

/** Every problem with `args`, each naming the field and the value; empty when they are usable. */
export function awsArgProblems(args: AwsPlatformArgs): ArgProblem[] {
  const problems: ArgProblem[] = [];
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(args.region)) {
    problems.push(
      problem('region', args.region, 'is not an AWS region', 'use a region code like us-east-1'),
    );
  }
  if (!/^[a-zA-Z][a-zA-Z0-9-]{0,99}$/.test(args.clusterName)) {
    problems.push(
      problem(
        'clusterName',
        args.clusterName,
        'is not an EKS cluster name',
        "use letters, digits and '-', starting with a letter",
      ),
    );
  }
  if (!/^1\.\d{2}$/.test(args.kubernetesVersion)) {
    problems.push(
      problem(
        'kubernetesVersion',
        args.kubernetesVersion,
        'is not a Kubernetes minor version',
        'use the form 1.33',
      ),
    );
  }
  problems.push(...networkProblems(args));
  problems.push(
    ...sizeProblems('systemNodes', args.systemNodes),
    ...typeProblems('systemNodes', args.systemNodes, false),
  );
  problems.push(
    ...sizeProblems('gpuNodes', args.gpuNodes),
    ...typeProblems('gpuNodes', args.gpuNodes, true),
  );
  if (args.systemNodes.minSize < 1) {
    problems.push(
      problem(
        'systemNodes.minSize',
        args.systemNodes.minSize,
        'leaves no node for the autoscaler and add-ons',
        'set it to 1 or more',
      ),
    );
  }
  return problems;
}
