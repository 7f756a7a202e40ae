import { parseQuantity } from '../lib/quantity';
import type { EdgeServiceArgs } from '../components/edge-service/args';
import { edgeArgProblems } from '../components/edge-service/validate';
import { setVariables, type ArgProblem, type ServerEnv, type ServiceSettings } from '../model';
import type { ConfigProblem } from './errors';
import { fullKey, show } from './reader';
import { readStringMap, sectionProblems } from './node-group';
import { SectionReader } from './section';

const FIELDS = [
  'host',
  'sshOpts',
  'platform',
  'buildArgs',
  'registry',
  'hostPort',
  'metricsHostPort',
  'restart',
  'containerName',
  'proxyImage',
] as const;

/** The edge target's settings: the EdgeService args but the secrets, which config.ts reads. */
export interface EdgeSettings {
  service: Omit<EdgeServiceArgs, 'secretEnv'>;
  /** Credentials of a private registry to pull `llm-deploy:image` from (password: registryPassword). */
  pullRegistry?: { server: string; username: string };
}

export interface EdgeContext {
  prebuiltImage?: string;
  /** `llm-deploy:dtype` was set, so it overrides the q4 default of Arm devices. */
  dtypeSet: boolean;
  registryPasswordSet: boolean;
  acmeEmail?: string;
}

/** The server's settings from the shared keys, as the Kubernetes targets pass them. */
export function edgeEnv(service: ServiceSettings): Record<string, string> {
  const env: ServerEnv = {
    MODEL: service.model.id,
    MODEL_REVISION: service.model.revision,
    SERVED_MODEL_NAME: service.model.servedName,
    SHUTDOWN_GRACE_SECONDS: String(service.shutdownGraceSeconds),
    MAX_CONCURRENT: service.maxConcurrent === undefined ? undefined : String(service.maxConcurrent),
    LOG_LEVEL: service.logLevel,
    CORS_ORIGINS: service.corsOrigins.length > 0 ? service.corsOrigins.join(',') : undefined,
  };
  return Object.fromEntries(setVariables(env));
}

function readPullRegistry(r: SectionReader, context: EdgeContext): EdgeSettings['pullRegistry'] {
  const o = r.nested('registry');
  if (!o) return undefined;
  r.rejectUnknownIn(o, ['server', 'username'], 'registry');
  const server = r.optionalString('server', o, 'registry.server');
  const username = r.optionalString('username', o, 'registry.username');
  if (!server || !username) {
    r.problem(
      'registry',
      o,
      'needs server and username',
      'set both, or drop registry for a public image',
    );
    return undefined;
  }
  if (!context.prebuiltImage) {
    r.problem(
      'registry',
      o,
      'is for pulling llm-deploy:image, which is not set',
      'set llm-deploy:image, or drop registry',
    );
  }
  if (!context.registryPasswordSet) {
    r.problems.push({
      key: 'llm-deploy:registryPassword',
      value: '(not set)',
      why: `the password to pull from ${server} is missing`,
      fix: 'pulumi config set --secret llm-deploy:registryPassword <password>',
    });
  }
  return { server, username };
}

/** Container args that come from shared keys are reported under those keys. */
const SHARED_KEY_OF: Record<string, string> = {
  device: 'gpusPerReplica',
  gpus: 'gpusPerReplica',
  domain: 'host',
  acmeEmail: 'acmeEmail',
  cpus: 'cpuLimit',
  memoryMiB: 'memoryLimit',
  startPeriodSeconds: 'modelLoadSeconds',
};

function edgeProblems(problems: ArgProblem[], service: ServiceSettings): ConfigProblem[] {
  const sharedValues: Record<string, unknown> = {
    gpusPerReplica: service.resources.gpus,
    host: service.ingress?.host,
    cpuLimit: service.resources.cpuLimit,
    memoryLimit: service.resources.memoryLimit,
    modelLoadSeconds: service.modelLoadSeconds,
  };
  return problems.map((p) => {
    const shared = SHARED_KEY_OF[p.field];
    if (!shared) return sectionProblems('edge', [p])[0]!;
    return {
      key: fullKey(shared),
      value: show(shared in sharedValues ? sharedValues[shared] : p.value),
      why: `on the edge target, ${p.why}`,
      fix: p.fix,
    };
  });
}

/** `llm-deploy:edge`: one Docker host, the workload's shared keys mapped onto a container. */
export function readEdgeSection(
  raw: unknown,
  service: ServiceSettings,
  context: EdgeContext,
): { settings: EdgeSettings; problems: ConfigProblem[] } {
  const r = new SectionReader('edge', raw);
  r.rejectUnknown(FIELDS);
  const platform = r.optionalString('platform');
  const gpus = service.resources.gpus;
  const port = (field: string) => r.optionalNumber(field, { integer: true, min: 1, max: 65535 });
  const args: Omit<EdgeServiceArgs, 'secretEnv'> = {
    host: r.optionalString('host'),
    sshOpts: r.optionalStringList('sshOpts'),
    image: context.prebuiltImage
      ? { pull: { ref: context.prebuiltImage, platform } }
      : { build: { platform, buildArgs: readStringMap(r, 'buildArgs') } },
    device: gpus > 0 ? 'cuda' : 'cpu',
    gpus: gpus > 0 ? gpus : undefined,
    dtype: context.dtypeSet || platform !== 'linux/arm64' ? service.model.dtype : undefined,
    env: edgeEnv(service),
    hostPort: port('hostPort'),
    metricsHostPort: port('metricsHostPort'),
    domain: service.ingress?.host,
    acmeEmail: service.ingress ? context.acmeEmail : undefined,
    cpus: parseQuantity(service.resources.cpuLimit),
    memoryMiB: Math.floor((parseQuantity(service.resources.memoryLimit) ?? 0) / 2 ** 20),
    startPeriodSeconds: service.modelLoadSeconds,
    restart: r.optionalOneOf('restart', ['always', 'unless-stopped', 'on-failure'] as const),
    containerName: r.optionalString('containerName') ?? service.name,
    proxyImage: r.optionalString('proxyImage'),
  };
  const pullRegistry = readPullRegistry(r, context);
  const problems = [...r.problems, ...edgeProblems(edgeArgProblems(args), service)];
  return { settings: { service: args, ...(pullRegistry ? { pullRegistry } : {}) }, problems };
}
