import { awsInstancePrice, gpusOrZero } from '../lib/pricing';
import type { AwsNodeGroupArgs, AwsPlatformArgs } from '../platforms/aws/args';
import { awsArgProblems } from '../platforms/aws/validate';
import type { ConfigProblem } from './errors';
import {
  clusterFitProblems,
  defaultGpuNodeMax,
  readStringMap,
  sectionProblems,
} from './node-group';
import { SectionReader } from './section';
import type { ServiceSettings } from '../model';

const FIELDS = [
  'region',
  'clusterName',
  'kubernetesVersion',
  'availabilityZones',
  'vpcCidr',
  'natGateways',
  'endpointAccess',
  'nodesInPublicSubnets',
  'systemNodes',
  'gpuNodes',
  'registry',
  'clusterAutoscaler',
  'tags',
] as const;
const NODE_FIELDS = [
  'instanceTypes',
  'minSize',
  'maxSize',
  'desiredSize',
  'diskSizeGiB',
  'capacity',
  'labels',
];

export const AWS_DEFAULTS = {
  kubernetesVersion: '1.33',
  systemNodes: {
    instanceTypes: ['m6i.large'],
    minSize: 1,
    maxSize: 3,
    desiredSize: 2,
    diskSizeGiB: 50,
  },
  gpuNodes: { instanceTypes: ['g6.xlarge', 'g5.xlarge'], minSize: 0, diskSizeGiB: 100 },
};

function readNodeGroup(
  r: SectionReader,
  key: string,
  defaults: AwsNodeGroupArgs,
): AwsNodeGroupArgs {
  const o = r.nested(key) ?? {};
  r.rejectUnknownIn(o, NODE_FIELDS, key);
  const count = (field: string) =>
    r.optionalNumber(field, { integer: true, min: 0, max: 1000 }, o, `${key}.${field}`);
  const minSize = count('minSize') ?? defaults.minSize;
  return {
    instanceTypes:
      r.optionalStringList('instanceTypes', o, `${key}.instanceTypes`) ?? defaults.instanceTypes,
    minSize,
    maxSize: count('maxSize') ?? Math.max(minSize, defaults.maxSize),
    desiredSize: count('desiredSize') ?? defaults.desiredSize,
    diskSizeGiB:
      r.optionalNumber(
        'diskSizeGiB',
        { integer: true, min: 1, max: 16384 },
        o,
        `${key}.diskSizeGiB`,
      ) ?? defaults.diskSizeGiB,
    capacity: r.optionalOneOf('capacity', ['on-demand', 'spot'] as const, o, `${key}.capacity`),
    labels: readStringMap(r, 'labels', o, `${key}.labels`),
  };
}

function readEndpointAccess(r: SectionReader): AwsPlatformArgs['endpointAccess'] {
  const o = r.nested('endpointAccess');
  if (!o) return undefined;
  r.rejectUnknownIn(o, ['publicAccess', 'privateAccess', 'publicAccessCidrs'], 'endpointAccess');
  return {
    publicAccess: r.optionalBoolean('publicAccess', o, 'endpointAccess.publicAccess'),
    privateAccess: r.optionalBoolean('privateAccess', o, 'endpointAccess.privateAccess'),
    publicAccessCidrs: r.optionalStringList(
      'publicAccessCidrs',
      o,
      'endpointAccess.publicAccessCidrs',
    ),
  };
}

function readRegistry(r: SectionReader): AwsPlatformArgs['registry'] {
  const o = r.nested('registry');
  if (!o) return undefined;
  r.rejectUnknownIn(
    o,
    ['repositoryName', 'untaggedExpiryDays', 'keepTaggedImages', 'forceDelete'],
    'registry',
  );
  return {
    repositoryName: r.optionalString('repositoryName', o, 'registry.repositoryName'),
    untaggedExpiryDays: r.optionalNumber(
      'untaggedExpiryDays',
      { integer: true, min: 1 },
      o,
      'registry.untaggedExpiryDays',
    ),
    keepTaggedImages: r.optionalNumber(
      'keepTaggedImages',
      { integer: true, min: 1 },
      o,
      'registry.keepTaggedImages',
    ),
    forceDelete: r.optionalBoolean('forceDelete', o, 'registry.forceDelete'),
  };
}

function readAutoscaler(r: SectionReader): AwsPlatformArgs['clusterAutoscaler'] {
  const o = r.nested('clusterAutoscaler');
  if (!o) return undefined;
  r.rejectUnknownIn(o, ['chartVersion', 'imageTag'], 'clusterAutoscaler');
  return {
    chartVersion: r.optionalString('chartVersion', o, 'clusterAutoscaler.chartVersion'),
    imageTag: r.optionalString('imageTag', o, 'clusterAutoscaler.imageTag'),
  };
}

function gpusPerNode(instanceType: string | undefined): number {
  return instanceType ? gpusOrZero(() => awsInstancePrice(instanceType, 'on-demand')) : 0;
}

/** `llm-deploy:aws`: the EKS platform's args, defaults filled from the workload, every problem. */
export function readAwsSection(
  raw: unknown,
  service: ServiceSettings,
): { settings: AwsPlatformArgs; problems: ConfigProblem[] } {
  const r = new SectionReader('aws', raw);
  r.rejectUnknown(FIELDS);
  const region = r.optionalString('region');
  if (!region)
    r.problem(
      'region',
      undefined,
      'the AWS region is missing',
      'set llm-deploy:aws.region, e.g. us-east-1',
    );
  const gpuDefaults = { ...AWS_DEFAULTS.gpuNodes, maxSize: defaultGpuNodeMax(service) };
  const settings: AwsPlatformArgs = {
    region: region ?? '',
    clusterName: r.optionalString('clusterName') ?? service.name,
    kubernetesVersion: r.optionalString('kubernetesVersion') ?? AWS_DEFAULTS.kubernetesVersion,
    availabilityZones: r.optionalStringList('availabilityZones'),
    vpcCidr: r.optionalString('vpcCidr'),
    natGateways: r.optionalOneOf('natGateways', ['single', 'perZone'] as const),
    endpointAccess: readEndpointAccess(r),
    nodesInPublicSubnets: r.optionalBoolean('nodesInPublicSubnets'),
    systemNodes: readNodeGroup(r, 'systemNodes', AWS_DEFAULTS.systemNodes),
    gpuNodes: readNodeGroup(r, 'gpuNodes', gpuDefaults),
    registry: readRegistry(r),
    clusterAutoscaler: readAutoscaler(r),
    tags: readStringMap(r, 'tags'),
  };
  clusterFitProblems(
    r,
    service,
    {
      maxNodes: settings.gpuNodes.maxSize,
      gpusPerNode: gpusPerNode(settings.gpuNodes.instanceTypes[0]),
      maxKey: 'gpuNodes.maxSize',
    },
    'gp3, EBS',
  );
  const problems = [...r.problems];
  if (region) problems.push(...sectionProblems('aws', awsArgProblems(settings)));
  return { settings, problems };
}
