import { gcpNodePrice, gpusOrZero } from '../lib/pricing';
import type { GcpGpuNodePoolArgs, GcpNodePoolArgs, GcpPlatformArgs } from '../platforms/gcp/args';
import { gcpArgProblems } from '../platforms/gcp/validate';
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
  'project',
  'region',
  'clusterName',
  'location',
  'releaseChannel',
  'nodesCidr',
  'podsCidr',
  'servicesCidr',
  'privateNodes',
  'masterCidr',
  'masterAuthorizedCidrs',
  'deletionProtection',
  'systemNodes',
  'gpuNodes',
  'registry',
  'labels',
] as const;
const POOL_FIELDS = [
  'machineType',
  'minNodes',
  'maxNodes',
  'diskSizeGiB',
  'capacity',
  'zones',
  'labels',
];
const GPU_POOL_FIELDS = [...POOL_FIELDS, 'accelerator', 'driverVersion'];

export const GCP_DEFAULTS = {
  systemNodes: { machineType: 'e2-standard-4', minNodes: 1, maxNodes: 3, diskSizeGiB: 50 },
  gpuNodes: {
    machineType: 'g2-standard-4',
    accelerator: { type: 'nvidia-l4', count: 1 },
    minNodes: 0,
    diskSizeGiB: 100,
  },
};

function readPool(
  r: SectionReader,
  key: string,
  o: Record<string, unknown>,
  defaults: GcpNodePoolArgs,
): GcpNodePoolArgs {
  const count = (field: string) =>
    r.optionalNumber(field, { integer: true, min: 0, max: 1000 }, o, `${key}.${field}`);
  const minNodes = count('minNodes') ?? defaults.minNodes;
  return {
    machineType: r.optionalString('machineType', o, `${key}.machineType`) ?? defaults.machineType,
    minNodes,
    maxNodes: count('maxNodes') ?? Math.max(minNodes, defaults.maxNodes),
    diskSizeGiB:
      r.optionalNumber(
        'diskSizeGiB',
        { integer: true, min: 1, max: 65536 },
        o,
        `${key}.diskSizeGiB`,
      ) ?? defaults.diskSizeGiB,
    capacity: r.optionalOneOf('capacity', ['on-demand', 'spot'] as const, o, `${key}.capacity`),
    zones: r.optionalStringList('zones', o, `${key}.zones`),
    labels: readStringMap(r, 'labels', o, `${key}.labels`),
  };
}

function readGpuPool(r: SectionReader, service: ServiceSettings): GcpGpuNodePoolArgs {
  const o = r.nested('gpuNodes') ?? {};
  r.rejectUnknownIn(o, GPU_POOL_FIELDS, 'gpuNodes');
  const defaults = { ...GCP_DEFAULTS.gpuNodes, maxNodes: defaultGpuNodeMax(service) };
  const accelerator = r.nested('accelerator', o, 'gpuNodes.accelerator') ?? {};
  r.rejectUnknownIn(accelerator, ['type', 'count'], 'gpuNodes.accelerator');
  return {
    ...readPool(r, 'gpuNodes', o, defaults),
    accelerator: {
      type:
        r.optionalString('type', accelerator, 'gpuNodes.accelerator.type') ??
        defaults.accelerator.type,
      count:
        r.optionalNumber(
          'count',
          { integer: true, min: 1, max: 16 },
          accelerator,
          'gpuNodes.accelerator.count',
        ) ?? defaults.accelerator.count,
    },
    driverVersion: r.optionalOneOf(
      'driverVersion',
      ['DEFAULT', 'LATEST'] as const,
      o,
      'gpuNodes.driverVersion',
    ),
  };
}

function readRegistry(r: SectionReader): GcpPlatformArgs['registry'] {
  const o = r.nested('registry');
  if (!o) return undefined;
  r.rejectUnknownIn(o, ['repositoryId', 'untaggedExpiryDays', 'keepTaggedImages'], 'registry');
  return {
    repositoryId: r.optionalString('repositoryId', o, 'registry.repositoryId'),
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
  };
}

function gpusPerNode(pool: GcpGpuNodePoolArgs): number {
  return gpusOrZero(() => gcpNodePrice(pool.machineType, 'on-demand', pool.accelerator));
}

/** `llm-deploy:gcp`: the GKE platform's args, defaults filled from the workload, every problem. */
export function readGcpSection(
  raw: unknown,
  service: ServiceSettings,
): { settings: GcpPlatformArgs; problems: ConfigProblem[] } {
  const r = new SectionReader('gcp', raw);
  r.rejectUnknown(FIELDS);
  const project = r.optionalString('project');
  const region = r.optionalString('region');
  if (!project)
    r.problem(
      'project',
      undefined,
      'the Google Cloud project is missing',
      'set llm-deploy:gcp.project to its id',
    );
  if (!region)
    r.problem(
      'region',
      undefined,
      'the region is missing',
      'set llm-deploy:gcp.region, e.g. us-central1',
    );
  const system = r.nested('systemNodes') ?? {};
  r.rejectUnknownIn(system, POOL_FIELDS, 'systemNodes');
  const settings: GcpPlatformArgs = {
    project: project ?? '',
    region: region ?? '',
    clusterName: r.optionalString('clusterName') ?? service.name,
    location: r.optionalString('location'),
    releaseChannel: r.optionalOneOf('releaseChannel', ['RAPID', 'REGULAR', 'STABLE'] as const),
    nodesCidr: r.optionalString('nodesCidr'),
    podsCidr: r.optionalString('podsCidr'),
    servicesCidr: r.optionalString('servicesCidr'),
    privateNodes: r.optionalBoolean('privateNodes'),
    masterCidr: r.optionalString('masterCidr'),
    masterAuthorizedCidrs: r.optionalStringList('masterAuthorizedCidrs'),
    deletionProtection: r.optionalBoolean('deletionProtection'),
    systemNodes: readPool(r, 'systemNodes', system, GCP_DEFAULTS.systemNodes),
    gpuNodes: readGpuPool(r, service),
    registry: readRegistry(r),
    labels: readStringMap(r, 'labels'),
  };
  clusterFitProblems(
    r,
    service,
    {
      maxNodes: settings.gpuNodes.maxNodes,
      gpusPerNode: gpusPerNode(settings.gpuNodes),
      maxKey: 'gpuNodes.maxNodes',
    },
    'standard-rwo, Persistent Disk',
  );
  const problems = [...r.problems];
  if (project && region) problems.push(...sectionProblems('gcp', gcpArgProblems(settings)));
  return { settings, problems };
}
