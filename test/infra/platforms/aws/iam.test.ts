import { AwsPlatform, type AwsPlatformArgs } from '../../../../infra/platforms/aws';
import { actionsOf, resourcesOf, wildcardGrants, type PolicyDocument } from '../support/iam-policy';
import { ACCOUNT_ID, installMocks, settle, valueOf, type Loose } from '../support/mocks';

const stack = installMocks('iam');

const args: AwsPlatformArgs = {
  region: 'us-east-1',
  clusterName: 'llm-iam',
  kubernetesVersion: '1.33',
  systemNodes: { instanceTypes: ['m6i.large'], minSize: 1, maxSize: 2, diskSizeGiB: 30 },
  gpuNodes: { instanceTypes: ['g6.xlarge'], minSize: 0, maxSize: 2, diskSizeGiB: 100 },
};

/**
 * AWS managed policies the platform may attach, with what each grants. None has a `*` or
 * `service:*` action; any other managed policy (AdministratorAccess, PowerUserAccess, ...) fails.
 */
const ALLOWED_MANAGED_POLICIES: Record<string, string> = {
  AmazonEKSClusterPolicy: 'the EKS control plane: ENIs, load balancers, security groups it owns',
  AmazonEKSWorkerNodePolicy:
    'nodes: ec2:Describe*, eks:DescribeCluster, eks-auth:AssumeRoleForPodIdentity',
  AmazonEC2ContainerRegistryPullOnly:
    'nodes: ecr:GetAuthorizationToken, BatchGetImage, GetDownloadUrlForLayer',
  AmazonEKS_CNI_Policy: 'aws-node (IRSA): assign and describe ENIs and private IPs',
  'service-role/AmazonEBSCSIDriverPolicy':
    'ebs-csi-controller (IRSA): create, attach, tag EBS volumes',
};

beforeAll(async () => {
  const platform = new AwsPlatform('iam', args);
  await valueOf(platform.kubeconfig);
  await settle();
});

const documents = (type: string, field: string) =>
  stack
    .ofType(type)
    .map((r) => ({ name: r.name, doc: JSON.parse(r.inputs[field] as string) as PolicyDocument }));

describe('IAM is least privilege', () => {
  it('the checker itself flags a wildcard action on a wildcard resource', () => {
    const bad: PolicyDocument = {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Allow', Action: 'ec2:DescribeInstances', Resource: '*' },
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
      ],
    };
    expect(wildcardGrants(bad)).toHaveLength(2);
  });

  it('lists every policy attached, none granting a wildcard action on a wildcard resource', () => {
    const inline = documents('aws:iam/rolePolicy:RolePolicy', 'policy');
    const standalone = documents('aws:iam/policy:Policy', 'policy');
    const attachments = stack.ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment');
    expect(inline.map((p) => p.name).sort()).toEqual(['iam-autoscaler-inline', 'iam-cluster-kms']);
    expect(standalone).toEqual([]);
    expect(attachments).toHaveLength(5);
    for (const { name, doc } of [...inline, ...standalone]) {
      expect({ name, grants: wildcardGrants(doc) }).toEqual({ name, grants: [] });
    }
    for (const attachment of attachments) {
      const policy = String(attachment.inputs.policyArn).replace('arn:aws:iam::aws:policy/', '');
      expect(Object.keys(ALLOWED_MANAGED_POLICIES)).toContain(policy);
    }
    expect(stack.ofType('aws:iam/userPolicy:UserPolicy')).toEqual([]);
    expect(stack.ofType('aws:iam/policyAttachment:PolicyAttachment')).toEqual([]);
  });

  it('lets only the named service account assume each IRSA role', () => {
    const expected: Record<string, string> = {
      'iam-vpc-cni': 'system:serviceaccount:kube-system:aws-node',
      'iam-ebs-csi': 'system:serviceaccount:kube-system:ebs-csi-controller-sa',
      'iam-autoscaler': 'system:serviceaccount:kube-system:cluster-autoscaler',
    };
    const issuer = 'oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF';
    for (const [role, subject] of Object.entries(expected)) {
      const trust = JSON.parse(
        stack.named(role, 'aws:iam/role:Role').inputs.assumeRolePolicy as string,
      );
      expect(trust.Statement).toEqual([
        {
          Effect: 'Allow',
          Principal: { Federated: expect.stringContaining(':oidc-provider/') },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: {
            StringEquals: { [`${issuer}:sub`]: subject, [`${issuer}:aud`]: 'sts.amazonaws.com' },
          },
        },
      ]);
    }
  });

  it('keeps network-interface permissions off the node role (the CNI has its own)', () => {
    const nodePolicies = stack
      .ofType('aws:iam/rolePolicyAttachment:RolePolicyAttachment')
      .filter((a) => a.inputs.role === 'iam-node')
      .map((a) => String(a.inputs.policyArn).split('/').pop());
    expect(nodePolicies.sort()).toEqual([
      'AmazonEC2ContainerRegistryPullOnly',
      'AmazonEKSWorkerNodePolicy',
    ]);
  });

  it('gives the control plane only encrypt/decrypt on its own key', () => {
    const [{ doc }] = documents('aws:iam/rolePolicy:RolePolicy', 'policy').filter(
      (p) => p.name === 'iam-cluster-kms',
    );
    expect(doc.Statement).toHaveLength(1);
    expect(resourcesOf(doc.Statement[0]!)).toEqual([expect.stringContaining(':kms:')]);
    expect(
      actionsOf(doc.Statement[0]!).every((a) => a.startsWith('kms:') && !a.includes('*')),
    ).toBe(true);
  });
});

describe('cluster autoscaler', () => {
  const policy = () =>
    JSON.parse(stack.named('iam-autoscaler-inline').inputs.policy as string) as PolicyDocument;

  it("may resize and terminate only in this cluster's node groups", () => {
    const writes = policy().Statement.filter((s) =>
      actionsOf(s).some(
        (a) =>
          a === 'autoscaling:SetDesiredCapacity' ||
          a === 'autoscaling:TerminateInstanceInAutoScalingGroup',
      ),
    );
    expect(writes).toHaveLength(1);
    const asgArn = (group: string) =>
      `arn:aws:autoscaling:us-east-1:${ACCOUNT_ID}:autoScalingGroup:*:autoScalingGroupName/eks-${group}-asg`;
    expect(resourcesOf(writes[0]!)).toEqual([asgArn('iam-system'), asgArn('iam-gpu')]);
    expect(writes[0]!.Condition).toEqual({
      StringEquals: { 'aws:ResourceTag/k8s.io/cluster-autoscaler/llm-iam': 'owned' },
    });
  });

  it('describes only its own node groups, and reads capacity with describe-only calls', () => {
    const statements = policy().Statement;
    const describeGroups = statements.find((s) => actionsOf(s).includes('eks:DescribeNodegroup'))!;
    expect(resourcesOf(describeGroups)).toEqual([
      expect.stringMatching(/nodegroup\/llm-iam\/iam-system\//),
      expect.stringMatching(/nodegroup\/llm-iam\/iam-gpu\//),
    ]);
    const unscoped = statements.filter((s) => resourcesOf(s).includes('*'));
    for (const statement of unscoped) {
      for (const action of actionsOf(statement))
        expect(action).toMatch(/^(autoscaling|ec2):(Describe|Get)[A-Za-z]+$/);
    }
  });

  it('runs from Helm on the system nodes with the IRSA role and this cluster for discovery', () => {
    const release = stack.named('iam-cluster-autoscaler').inputs as Record<string, Loose>;
    expect(release).toMatchObject({
      chart: 'cluster-autoscaler',
      namespace: 'kube-system',
      version: '9.46.6',
    });
    expect(release.repositoryOpts.repo).toBe('https://kubernetes.github.io/autoscaler');
    expect(release.values).toMatchObject({
      cloudProvider: 'aws',
      awsRegion: 'us-east-1',
      autoDiscovery: { clusterName: 'llm-iam' },
      image: { tag: 'v1.33.0' },
      nodeSelector: { 'llm-deploy/pool': 'system' },
      rbac: {
        serviceAccount: {
          name: 'cluster-autoscaler',
          annotations: {
            'eks.amazonaws.com/role-arn': `arn:aws:iam::${ACCOUNT_ID}:role/iam-autoscaler`,
          },
        },
      },
    });
  });
});
