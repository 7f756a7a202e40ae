import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { MANAGED_POLICIES, managedPolicyArn, serviceAccountTrustPolicy } from './iam';

export interface ServiceAccountRoleArgs {
  oidcProvider: aws.iam.OpenIdConnectProvider;
  namespace: string;
  serviceAccount: string;
  partition: pulumi.Input<string>;
  /** AWS managed policy names to attach. */
  managedPolicies?: readonly string[];
  /** An inline policy document (JSON). */
  inlinePolicy?: pulumi.Input<string>;
}

/** An IAM role only one Kubernetes service account can assume (IRSA). */
export function serviceAccountRole(
  name: string,
  args: ServiceAccountRoleArgs,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: serviceAccountTrustPolicy(
        args.oidcProvider,
        args.namespace,
        args.serviceAccount,
      ),
    },
    opts,
  );
  for (const policy of args.managedPolicies ?? []) {
    new aws.iam.RolePolicyAttachment(
      `${name}-${policy.replace(/\//g, '-')}`,
      { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
      { ...opts, parent: role },
    );
  }
  if (args.inlinePolicy !== undefined) {
    new aws.iam.RolePolicy(
      `${name}-inline`,
      { role: role.id, policy: args.inlinePolicy },
      { ...opts, parent: role },
    );
  }
  return role;
}

export interface AddonArgs {
  cluster: aws.eks.Cluster;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  partition: pulumi.Input<string>;
}

/**
 * The VPC CNI as a managed add-on running under its own IRSA role, so the node role needs no
 * network-interface permissions. Nodes join after it.
 */
export function vpcCniAddon(
  name: string,
  args: AddonArgs,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
  const role = serviceAccountRole(
    `${name}-vpc-cni`,
    {
      oidcProvider: args.oidcProvider,
      namespace: 'kube-system',
      serviceAccount: 'aws-node',
      partition: args.partition,
      managedPolicies: MANAGED_POLICIES.vpcCni,
    },
    opts,
  );
  return new aws.eks.Addon(
    `${name}-vpc-cni`,
    {
      clusterName: args.cluster.name,
      addonName: 'vpc-cni',
      serviceAccountRoleArn: role.arn,
      // EKS installs a self-managed copy at creation; this adoption takes it over.
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
    },
    { ...opts, parent: args.cluster },
  );
}

/** The EBS CSI driver (for the model-cache PVC) under its own IRSA role. */
export function ebsCsiAddon(
  name: string,
  args: AddonArgs,
  opts: pulumi.CustomResourceOptions,
): aws.eks.Addon {
  const role = serviceAccountRole(
    `${name}-ebs-csi`,
    {
      oidcProvider: args.oidcProvider,
      namespace: 'kube-system',
      serviceAccount: 'ebs-csi-controller-sa',
      partition: args.partition,
      managedPolicies: MANAGED_POLICIES.ebsCsi,
    },
    opts,
  );
  return new aws.eks.Addon(
    `${name}-ebs-csi`,
    {
      clusterName: args.cluster.name,
      addonName: 'aws-ebs-csi-driver',
      serviceAccountRoleArn: role.arn,
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
    },
    { ...opts, parent: args.cluster },
  );
}
