/**
 * Pulumi mocks for platform component tests: records every resource with its inputs, answers
 * the provider functions the platforms call, and fills in the outputs the real providers would
 * compute (ARNs, endpoints, repository URLs) so dependent resources see realistic values.
 */
import * as pulumi from '@pulumi/pulumi';
import * as settings from '@pulumi/pulumi/runtime/settings';

export const ACCOUNT_ID = '123456789012';
export const SECRET_SIG_KEY = '4dabf18193072939515e22adb298388d';
const SECRET_SIG_VALUE = '1b47061264138c4ac30d75fd1eb44270';

/**
 * Recorded inputs are untyped JSON of many provider shapes; tests index into them freely.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;

export interface RecordedResource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
  state: Record<string, unknown>;
}

type Outputs = Record<string, unknown>;

/** Outputs a real provider would add to a resource's inputs. */
export function computedOutputs(type: string, name: string, inputs: Outputs): Outputs {
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:us-east-1:${ACCOUNT_ID}:${resource}`;
  switch (type) {
    case 'aws:iam/role:Role':
      return { name, arn: `arn:aws:iam::${ACCOUNT_ID}:role/${name}` };
    case 'aws:eks/cluster:Cluster':
      return {
        arn: arn('eks', `cluster/${inputs.name}`),
        endpoint: 'https://0123456789ABCDEF.gr7.us-east-1.eks.amazonaws.com',
        certificateAuthority: { data: 'LS0tLS1DQS0tLS0t' },
        identities: [
          { oidcs: [{ issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF' }] },
        ],
      };
    case 'aws:iam/openIdConnectProvider:OpenIdConnectProvider':
      return {
        arn: `arn:aws:iam::${ACCOUNT_ID}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF`,
      };
    case 'aws:eks/nodeGroup:NodeGroup':
      return {
        arn: arn('eks', `nodegroup/${inputs.clusterName}/${name}/0000`),
        resources: [
          { autoscalingGroups: [{ name: `eks-${name}-asg` }], remoteAccessSecurityGroupId: '' },
        ],
      };
    case 'aws:ecr/repository:Repository':
      return {
        arn: arn('ecr', `repository/${inputs.name}`),
        registryId: ACCOUNT_ID,
        repositoryUrl: `${ACCOUNT_ID}.dkr.ecr.us-east-1.amazonaws.com/${inputs.name}`,
      };
    case 'aws:kms/key:Key':
      return { arn: arn('kms', `key/${name}-0000`) };
    case 'aws:ec2/launchTemplate:LaunchTemplate':
      return { latestVersion: 1 };
    case 'gcp:container/cluster:Cluster':
      return {
        endpoint: '203.0.113.10',
        masterAuth: { clusterCaCertificate: 'LS0tLS1DQS0tLS0t' },
      };
    case 'gcp:artifactregistry/repository:Repository':
      return {
        name: inputs.repositoryId,
        registryUri: `${inputs.location}-docker.pkg.dev/my-project/${inputs.repositoryId}`,
      };
    case 'gcp:serviceaccount/account:Account':
      return { email: `${inputs.accountId}@my-project.iam.gserviceaccount.com` };
    case 'docker:index/image:Image':
      return {
        repoDigest: 'sha256:1111111111111111111111111111111111111111111111111111111111111111',
      };
    case 'docker:index/remoteImage:RemoteImage':
      return { imageId: 'sha256:2222222222222222222222222222222222222222222222222222222222222222' };
    default:
      return type.startsWith('aws:') ? { arn: arn('mock', `${type}/${name}`) } : {};
  }
}

/** Answers to provider functions (invokes). */
export function callResult(token: string, inputs: Outputs): Outputs {
  switch (token) {
    case 'aws:index/getPartition:getPartition':
      return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
    case 'aws:index/getCallerIdentity:getCallerIdentity':
      return {
        accountId: ACCOUNT_ID,
        arn: `arn:aws:iam::${ACCOUNT_ID}:user/ci`,
        userId: 'AIDA',
        id: ACCOUNT_ID,
      };
    case 'aws:index/getAvailabilityZones:getAvailabilityZones':
      return {
        names: ['us-east-1a', 'us-east-1b', 'us-east-1c'],
        zoneIds: ['use1-az1', 'use1-az2', 'use1-az4'],
      };
    case 'aws:ecr/getAuthorizationToken:getAuthorizationToken':
      return {
        userName: 'AWS',
        password: 'ecr-token-password',
        authorizationToken: 'QVdTOmVjci10b2tlbi1wYXNzd29yZA==',
        proxyEndpoint: `https://${inputs.registryId}.dkr.ecr.us-east-1.amazonaws.com`,
        expiresAt: '2026-11-26T16:00:00Z',
        id: 'us-east-1',
      };
    case 'gcp:organizations/getClientConfig:getClientConfig':
      return {
        accessToken: 'ya29.mock-access-token',
        project: 'my-project',
        region: 'us-central1',
        id: 'x',
      };
    default:
      throw new Error(`no mock for provider function ${token}`);
  }
}

export interface MockedStack {
  resources: RecordedResource[];
  ofType(type: string): RecordedResource[];
  /** The resource of that name (and type, where names repeat across types). */
  named(name: string, type?: string): RecordedResource;
}

/** Installs the mocks for stack `stack` and returns the growing list of recorded resources. */
export function installMocks(stack = 'test'): MockedStack {
  const resources: RecordedResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource(args) {
        const state = { ...args.inputs, ...computedOutputs(args.type, args.name, args.inputs) };
        resources.push({ type: args.type, name: args.name, inputs: args.inputs, state });
        return { id: `${args.name}-id`, state };
      },
      call: (args) => callResult(args.token, args.inputs),
    },
    'llm-deploy',
    stack,
    false,
    'acme',
  );
  return {
    resources,
    ofType: (type) => resources.filter((r) => r.type === type),
    named(name, type) {
      const found = resources.find(
        (r) => r.name === name && (type === undefined || r.type === type),
      );
      if (!found)
        throw new Error(
          `no resource named ${name}; have ${resources.map((r) => r.name).join(', ')}`,
        );
      return found;
    },
  };
}

/** Waits until every resource registration and output resolution in flight has finished. */
export async function settle(): Promise<void> {
  // waitForRPCs is internal to the SDK (not in its typings) but is what `pulumi up` itself awaits.
  await (settings as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** The value of an output, once known. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}

export function isSecretInput(value: unknown): boolean {
  return typeof value === 'object' && value !== null && SECRET_SIG_KEY in value;
}

/** Strips the secret wrappers the mock monitor records around secret inputs. */
export function unwrapSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (typeof value !== 'object' || value === null) return value;
  const record = value as Record<string, unknown>;
  if (record[SECRET_SIG_KEY] === SECRET_SIG_VALUE) return unwrapSecrets(record.value);
  return Object.fromEntries(
    Object.entries(record).map(([key, item]) => [key, unwrapSecrets(item)]),
  );
}
