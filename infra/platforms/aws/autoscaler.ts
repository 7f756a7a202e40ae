import * as aws from '@pulumi/aws';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { serviceAccountRole } from './addons';
import type { ResolvedAwsPlatformArgs } from './args';
import type { AccountFacts, Eks } from './eks';
import { autoScalingGroupArn, clusterAutoscalerPolicy } from './iam';
import { POOL_LABEL } from '../node-pools';

export const AUTOSCALER_NAMESPACE = 'kube-system';
export const AUTOSCALER_SERVICE_ACCOUNT = 'cluster-autoscaler';

export interface ClusterAutoscalerArgs {
  clusterName: string;
  region: string;
  partition: pulumi.Input<string>;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  autoScalingGroupArns: pulumi.Input<string>[];
  nodeGroupArns: pulumi.Input<string>[];
  chartVersion: string;
  imageTag: string;
}

/**
 * Cluster Autoscaler on the system nodes, discovering this cluster's managed node groups by the
 * tags EKS puts on their auto scaling groups. It adds a GPU node when a GPU pod is pending and
 * scales the GPU group back (to zero when allowed) once nodes sit idle.
 */
export function clusterAutoscaler(
  name: string,
  args: ClusterAutoscalerArgs,
  awsOpts: pulumi.CustomResourceOptions,
  k8sOpts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const role = serviceAccountRole(
    `${name}-autoscaler`,
    {
      oidcProvider: args.oidcProvider,
      namespace: AUTOSCALER_NAMESPACE,
      serviceAccount: AUTOSCALER_SERVICE_ACCOUNT,
      partition: args.partition,
      inlinePolicy: clusterAutoscalerPolicy({
        clusterName: args.clusterName,
        autoScalingGroupArns: args.autoScalingGroupArns,
        nodeGroupArns: args.nodeGroupArns,
      }),
    },
    awsOpts,
  );
  return new k8s.helm.v3.Release(
    `${name}-cluster-autoscaler`,
    {
      chart: 'cluster-autoscaler',
      version: args.chartVersion,
      namespace: AUTOSCALER_NAMESPACE,
      repositoryOpts: { repo: 'https://kubernetes.github.io/autoscaler' },
      values: {
        cloudProvider: 'aws',
        awsRegion: args.region,
        autoDiscovery: { clusterName: args.clusterName },
        image: { tag: args.imageTag },
        rbac: {
          serviceAccount: {
            create: true,
            name: AUTOSCALER_SERVICE_ACCOUNT,
            annotations: { 'eks.amazonaws.com/role-arn': role.arn },
          },
        },
        nodeSelector: { [POOL_LABEL]: 'system' },
        extraArgs: {
          'balance-similar-node-groups': true,
          'skip-nodes-with-system-pods': false,
          expander: 'least-waste',
          'scale-down-unneeded-time': '10m',
        },
      },
    },
    k8sOpts,
  );
}

/** The autoscaler for this cluster's two node groups, its permissions scoped to them. */
export function autoscaleNodeGroups(
  name: string,
  facts: { cfg: ResolvedAwsPlatformArgs; account: AccountFacts; eks: Eks },
  awsOpts: pulumi.CustomResourceOptions,
  k8sOpts: pulumi.CustomResourceOptions,
): k8s.helm.v3.Release {
  const { cfg, account, eks } = facts;
  const groups = [eks.nodes.system, eks.nodes.gpu];
  const asgName = (group: aws.eks.NodeGroup) =>
    group.resources.apply((r) => r?.[0]?.autoscalingGroups?.[0]?.name ?? '');
  return clusterAutoscaler(
    name,
    {
      clusterName: cfg.clusterName,
      region: cfg.region,
      partition: account.partition,
      oidcProvider: eks.oidcProvider,
      autoScalingGroupArns: groups.map((group) =>
        autoScalingGroupArn(account.partition, cfg.region, account.accountId, asgName(group)),
      ),
      nodeGroupArns: groups.map((group) => group.arn),
      ...cfg.clusterAutoscaler,
    },
    awsOpts,
    k8sOpts,
  );
}
