import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import type { AwsEndpointAccessArgs } from './args';
import { clusterKmsPolicy, MANAGED_POLICIES, managedPolicyArn, serviceTrustPolicy } from './iam';

export interface ClusterArgs {
  clusterName: string;
  kubernetesVersion: string;
  partition: pulumi.Input<string>;
  /** Subnets for the control plane's network interfaces (private and public). */
  subnetIds: pulumi.Input<string>[];
  endpointAccess: Required<AwsEndpointAccessArgs>;
}

export interface Cluster {
  cluster: aws.eks.Cluster;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  secretsKey: aws.kms.Key;
}

/**
 * The EKS control plane: Kubernetes pinned, Secrets envelope-encrypted with a customer KMS key,
 * access by EKS access entries (the creator is admin), and an OIDC provider for IRSA.
 */
export function createCluster(
  name: string,
  args: ClusterArgs,
  opts: pulumi.CustomResourceOptions,
): Cluster {
  const secretsKey = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `Envelope encryption of Kubernetes Secrets in EKS cluster ${args.clusterName}`,
      enableKeyRotation: true,
    },
    opts,
  );
  const role = new aws.iam.Role(
    `${name}-cluster`,
    { assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com') },
    opts,
  );
  const attachments = MANAGED_POLICIES.cluster.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-cluster-${policy}`,
        { role: role.name, policyArn: managedPolicyArn(args.partition, policy) },
        { ...opts, parent: role },
      ),
  );
  const kmsAccess = new aws.iam.RolePolicy(
    `${name}-cluster-kms`,
    { role: role.id, policy: clusterKmsPolicy(secretsKey.arn) },
    { ...opts, parent: role },
  );

  const cluster = new aws.eks.Cluster(
    `${name}-eks`,
    {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: args.subnetIds,
        endpointPublicAccess: args.endpointAccess.publicAccess,
        endpointPrivateAccess: args.endpointAccess.privateAccess,
        publicAccessCidrs: args.endpointAccess.publicAccess
          ? args.endpointAccess.publicAccessCidrs
          : undefined,
      },
      encryptionConfig: { provider: { keyArn: secretsKey.arn }, resources: ['secrets'] },
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
      // Standard support only: the cost estimate prices it, extended support costs 6x.
      upgradePolicy: { supportType: 'STANDARD' },
    },
    { ...opts, dependsOn: [...attachments, kmsAccess] },
  );

  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    {
      url: cluster.identities.apply((ids) => ids?.[0]?.oidcs?.[0]?.issuer ?? ''),
      clientIdLists: ['sts.amazonaws.com'],
    },
    { ...opts, parent: cluster },
  );
  return { cluster, oidcProvider, secretsKey };
}
