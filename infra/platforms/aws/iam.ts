/**
 * IAM documents for the EKS platform, as plain functions so tests can read every statement.
 * Each role gets only what its one job needs: AWS managed policies where AWS maintains the
 * exact list (node, cluster, CNI, EBS CSI), scoped inline statements elsewhere.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: pulumi.Input<string> | pulumi.Input<string>[];
  Principal?: Record<string, pulumi.Input<string>>;
  Condition?: Record<string, Record<string, pulumi.Input<string>>>;
}

export function policyDocument(statements: PolicyStatement[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: '2012-10-17', Statement: statements });
}

/** Managed policies, by name, attached to each role (all `arn:<partition>:iam::aws:policy/<name>`). */
export const MANAGED_POLICIES = {
  cluster: ['AmazonEKSClusterPolicy'],
  node: ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryPullOnly'],
  vpcCni: ['AmazonEKS_CNI_Policy'],
  ebsCsi: ['service-role/AmazonEBSCSIDriverPolicy'],
} as const;

export function managedPolicyArn(
  partition: pulumi.Input<string>,
  name: string,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:iam::aws:policy/${name}`;
}

/** Trust policy for a role an AWS service assumes (EKS control plane, EC2 nodes). */
export function serviceTrustPolicy(service: string): pulumi.Output<string> {
  return policyDocument([
    { Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' },
  ]);
}

/**
 * IRSA trust: only the named Kubernetes service account, presenting a token for STS, may
 * assume the role.
 */
export function serviceAccountTrustPolicy(
  oidcProvider: aws.iam.OpenIdConnectProvider,
  namespace: string,
  serviceAccount: string,
): pulumi.Output<string> {
  const issuer = oidcProvider.url.apply((url) => url.replace(/^https:\/\//, ''));
  return pulumi.all([oidcProvider.arn, issuer]).apply(([arn, host]) =>
    policyDocument([
      {
        Effect: 'Allow',
        Principal: { Federated: arn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${host}:sub`]: `system:serviceaccount:${namespace}:${serviceAccount}`,
            [`${host}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ]),
  );
}

/** What the EKS control plane needs of the secrets-encryption key, and nothing else. */
export function clusterKmsPolicy(keyArn: pulumi.Input<string>): pulumi.Output<string> {
  return policyDocument([
    {
      Sid: 'EncryptKubernetesSecrets',
      Effect: 'Allow',
      Action: [
        'kms:Encrypt',
        'kms:Decrypt',
        'kms:DescribeKey',
        'kms:ListGrants',
        'kms:CreateGrant',
      ],
      Resource: keyArn,
    },
  ]);
}

export interface AutoscalerScope {
  clusterName: string;
  /** ARNs of the cluster's node group auto scaling groups. */
  autoScalingGroupArns: pulumi.Input<string>[];
  /** ARNs of the cluster's EKS node groups. */
  nodeGroupArns: pulumi.Input<string>[];
}

/**
 * Cluster Autoscaler: it may resize and terminate instances only in this cluster's node groups
 * (by ARN, and by the ownership tag EKS puts on their auto scaling groups). Describe calls
 * support no resource scoping, so they stay on `*`.
 */
export function clusterAutoscalerPolicy(scope: AutoscalerScope): pulumi.Output<string> {
  return policyDocument([
    {
      Sid: 'ScaleOwnNodeGroups',
      Effect: 'Allow',
      Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
      Resource: scope.autoScalingGroupArns,
      Condition: {
        StringEquals: {
          [`aws:ResourceTag/k8s.io/cluster-autoscaler/${scope.clusterName}`]: 'owned',
        },
      },
    },
    {
      Sid: 'DescribeOwnNodeGroups',
      Effect: 'Allow',
      Action: ['eks:DescribeNodegroup'],
      Resource: scope.nodeGroupArns,
    },
    {
      Sid: 'DescribeCapacity',
      Effect: 'Allow',
      Action: [
        'autoscaling:DescribeAutoScalingGroups',
        'autoscaling:DescribeAutoScalingInstances',
        'autoscaling:DescribeLaunchConfigurations',
        'autoscaling:DescribeScalingActivities',
        'autoscaling:DescribeTags',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypes',
        'ec2:DescribeLaunchTemplateVersions',
        'ec2:GetInstanceTypesFromInstanceRequirements',
      ],
      Resource: '*',
    },
  ]);
}

/** ARN of an auto scaling group by name (its ARN also holds a generated id, matched by `*`). */
export function autoScalingGroupArn(
  partition: pulumi.Input<string>,
  region: string,
  accountId: pulumi.Input<string>,
  groupName: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.interpolate`arn:${partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
}
