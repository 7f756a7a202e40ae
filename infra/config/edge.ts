import { parseQuantity } from '../lib/quantity';
import {
  ENGINE_ALIAS,
  ENGINE_CACHE_DIR,
  type EdgeEngineArgs,
  type EdgeServiceArgs,
} from '../components/edge-service/args';
import { edgeArgProblems } from '../components/edge-service/validate';
import {
  gatewayEnv,
  setVariables,
  VLLM_PORT,
  vllmEnv,
  vllmServeArgs,
  type ArgProblem,
  type ServerEnv,
  type ServiceSettings,
} from '../model';
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
  const common: ServerEnv = {
    SHUTDOWN_GRACE_SECONDS: String(service.shutdownGraceSeconds),
    LOG_LEVEL: service.logLevel,
    CORS_ORIGINS: service.corsOrigins.length > 0 ? service.corsOrigins.join(',') : undefined,
  };
  const engine: ServerEnv = service.vllm
    ? gatewayEnv(service, `http://${ENGINE_ALIAS}:${VLLM_PORT}`)
    : {
        MODEL: service.model.id,
        MODEL_REVISION: service.model.revision,
        ENGINE: service.model.engine,
        GGUF_FILE: service.model.ggufFile,
        QUANT: service.model.quant,
        SERVED_MODEL_NAME: service.model.servedName,
        MAX_CONCURRENT:
          service.maxConcurrent === undefined ? undefined : String(service.maxConcurrent),
      };
  return Object.fromEntries(setVariables({ ...engine, ...common }));
}

const GATEWAY_CPUS = 1;
const GATEWAY_MEMORY_MIB = 1024;

function mebibytes(quantity: string): number {
  return Math.floor((parseQuantity(quantity) ?? 0) / 2 ** 20);
}

/** runtime vllm: the engine container, listening on the private network only. */
function edgeVllmEngine(service: ServiceSettings): EdgeEngineArgs | undefined {
  const vllm = service.vllm;
  if (!vllm) return undefined;
  return {
    image: vllm.image,
    args: vllmServeArgs(service, vllm, '0.0.0.0'),
    env: vllmEnv({
      home: `${ENGINE_CACHE_DIR}/home`,
      hfHome: `${ENGINE_CACHE_DIR}/huggingface`,
    }),
    gpus: service.resources.gpus,
    shmSizeMiB: mebibytes(service.resources.shmSize),
    cpus: parseQuantity(service.resources.cpuLimit),
    memoryMiB: mebibytes(service.resources.memoryLimit),
    port: VLLM_PORT,
    healthCheck: [
      'python3',
      '-c',
      `import urllib.request as u; u.urlopen('http://127.0.0.1:${VLLM_PORT}/health', timeout=8)`,
    ],
  };
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
    // With vLLM the engine gets the GPUs; the server, its gateway, is the CPU image.
    device: gpus > 0 && !service.vllm ? 'cuda' : 'cpu',
    gpus: gpus > 0 && !service.vllm ? gpus : undefined,
    dtype:
      !service.vllm && (context.dtypeSet || platform !== 'linux/arm64')
        ? service.model.dtype
        : undefined,
    env: edgeEnv(service),
    hostPort: port('hostPort'),
    metricsHostPort: port('metricsHostPort'),
    domain: service.ingress?.host,
    acmeEmail: service.ingress ? context.acmeEmail : undefined,
    // With vLLM the limits are the engine's; the gateway streams text in a small Node.js process.
    cpus: service.vllm ? GATEWAY_CPUS : parseQuantity(service.resources.cpuLimit),
    memoryMiB: service.vllm ? GATEWAY_MEMORY_MIB : mebibytes(service.resources.memoryLimit),
    startPeriodSeconds: service.modelLoadSeconds,
    restart: r.optionalOneOf('restart', ['always', 'unless-stopped', 'on-failure'] as const),
    containerName: r.optionalString('containerName') ?? service.name,
    proxyImage: r.optionalString('proxyImage'),
    engine: edgeVllmEngine(service),
  };
  const pullRegistry = readPullRegistry(r, context);
  const problems = [...r.problems, ...edgeProblems(edgeArgProblems(args), service)];
  return { settings: { service: args, ...(pullRegistry ? { pullRegistry } : {}) }, problems };
}
