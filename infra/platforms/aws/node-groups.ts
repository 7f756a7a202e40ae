import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsNodeGroupArgs } from './args';
import { GPU_TAINT, POOL_LABEL } from '../node-pools';
import { amiTypeFor } from './ami';
import { MANAGED_POLICIES, managedPolicyArn, serviceTrustPolicy } from './iam';

export interface NodeGroupsArgs {
  clusterName: pulumi.Input<string>;
  kubernetesVersion: string;
  partition: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  system: Required<AwsNodeGroupArgs>;
  gpu: Required<AwsNodeGroupArgs>;
  tags: Record<string, string>;
  /** What must exist before nodes join (the VPC CNI with its IRSA role). */
  dependsOn: pulumi.Resource[];
}

export interface NodeGroups {
  role: aws.iam.Role;
  system: aws.eks.NodeGroup;
  gpu: aws.eks.NodeGroup;
}

/**
 * Launch template shared by a group's nodes: encrypted gp3 root volume, and IMDSv2 with one
 * hop so pods cannot borrow the node role (they get their own through IRSA).
 */
function launchTemplate(
  name: string,
  diskSizeGiB: number,
  tags: Record<string, string>,
  opts: pulumi.CustomResourceOptions,
): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(
    name,
    {
      metadataOptions: {
        httpTokens: 'required',
        httpPutResponseHopLimit: 1,
        httpEndpoint: 'enabled',
      },
      blockDeviceMappings: [
        {
          deviceName: '/dev/xvda',
          ebs: {
            volumeSize: diskSizeGiB,
            volumeType: 'gp3',
            encrypted: 'true',
            deleteOnTermination: 'true',
          },
        },
      ],
      tagSpecifications: [{ resourceType: 'instance', tags }],
    },
    opts,
  );
}

function nodeGroup(
  name: string,
  args: NodeGroupsArgs,
  role: aws.iam.Role,
  group: Required<AwsNodeGroupArgs>,
  gpu: boolean,
  opts: pulumi.CustomResourceOptions,
): aws.eks.NodeGroup {
  const template = launchTemplate(`${name}-lt`, group.diskSizeGiB, args.tags, opts);
  return new aws.eks.NodeGroup(
    name,
    {
      clusterName: args.clusterName,
      version: args.kubernetesVersion,
      nodeRoleArn: role.arn,
      subnetIds: args.subnetIds,
      amiType: amiTypeFor(group.instanceTypes, gpu),
      instanceTypes: group.instanceTypes,
      capacityType: group.capacity === 'spot' ? 'SPOT' : 'ON_DEMAND',
      scalingConfig: {
        minSize: group.minSize,
        maxSize: group.maxSize,
        desiredSize: group.desiredSize,
      },
      launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
      labels: { ...group.labels, [POOL_LABEL]: gpu ? 'gpu' : 'system' },
      taints: gpu ? [{ key: GPU_TAINT.key, value: GPU_TAINT.value, effect: 'NO_SCHEDULE' }] : [],
      updateConfig: { maxUnavailable: 1 },
    },
    // The cluster autoscaler owns the node count once the group exists.
    { ...opts, ignoreChanges: ['scalingConfig.desiredSize'] },
  );
}

/** The node role and two managed node groups: system (CPU) and GPU (tainted). */
export function createNodeGroups(
  name: string,
  args: NodeGroupsArgs,
  opts: pulumi.CustomResourceOptions,
): NodeGroups {
  const role = new aws.iam.Role(
    `${name}-node`,
    { assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com') },
    opts,
  );
  const attachments = MANAGED_POLICIES.node.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-node-${policy}`,
        { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
        { ...opts, parent: role },
      ),
  );
  const groupOpts = { ...opts, dependsOn: [...args.dependsOn, ...attachments] };
  return {
    role,
    system: nodeGroup(`${name}-system`, args, role, args.system, false, groupOpts),
    gpu: nodeGroup(`${name}-gpu`, args, role, args.gpu, true, groupOpts),
  };
}
