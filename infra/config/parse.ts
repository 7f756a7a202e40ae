import { StackConfigError, type ConfigProblem } from './errors';
import { PricingError, type CostEstimate } from '../lib/pricing';
import { readAwsSection } from './aws';
import { stackCost, type CostInputs } from './cost';
import { readEdgeSection } from './edge';
import { readGcpSection } from './gcp';
import { readOnPremSection } from './onprem';
import { closest, ConfigReader, fullKey, type RawConfig } from './reader';
import {
  CONFIG_KEYS,
  CONFIG_NAMESPACE,
  RUNTIME_SECTION_KEYS,
  SECTION_KEYS,
  TARGETS,
  type ConfigKey,
  type Target,
} from './schema';
import { CONFIG_FIELD_NAMES, readServiceSettings } from './service';
import {
  clusterIssuerProblems,
  kedaMetricSourceProblems,
  PINNED_BY_DIGEST,
  publicEndpointProblems,
  SERVICE_BOUNDS,
  type AddonSettings,
  type GpuAddon,
  type ServiceSettings,
} from '../model';
import { readVllmSection } from './vllm';
import type { StackConfig } from './stack-config';

const KNOWN_KEYS = [
  ...Object.keys(CONFIG_KEYS),
  ...Object.values(SECTION_KEYS),
  ...Object.values(RUNTIME_SECTION_KEYS),
];

/**
 * Strips the project namespace from `llm-deploy:key` entries and drops other namespaces
 * (`kubernetes:context`, `aws:region`), which belong to providers.
 */
export function projectKeys(all: Record<string, unknown>): RawConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  return Object.fromEntries(
    Object.entries(all)
      .filter(([k]) => k.startsWith(prefix))
      .map(([k, v]) => [k.slice(prefix.length), v]),
  );
}

/**
 * Validates a stack's config and returns it typed, or throws one StackConfigError that lists
 * every problem. Pure: the Pulumi program and the render script both call it.
 */
export function parseStackConfig(
  raw: RawConfig,
  purpose: 'deploy' | 'render' = 'deploy',
): StackConfig {
  const r = new ConfigReader(raw);
  const problems: ConfigProblem[] = [];
  rejectUnknownKeys(raw, problems);
  const target = r.oneOf('target', TARGETS);
  const service = readRuntime(r, raw, problems);
  const prebuiltImage = r.optionalString('image');
  if (prebuiltImage && !PINNED_BY_DIGEST.test(prebuiltImage)) {
    r.problem(
      'image',
      prebuiltImage,
      'is not pinned by digest, so a rollout could not tell one build from another',
      'use the form registry/repo@sha256:<64 hex digits> (docker inspect --format "{{index .RepoDigests 0}}")',
    );
  }
  const secretsSet = {
    hfToken: r.has('hfToken'),
    apiKeys: r.has('apiKeys'),
    webhookSecret: r.has('webhookSecret'),
    registryPassword: r.has('registryPassword'),
    kubeconfig: r.has('kubeconfig'),
  };
  const allowAnonymous = r.boolean('allowAnonymous');
  // Render writes no secret values, so it needs none: a public endpoint references the API-keys
  // Secret whether or not this file holds the keys, and the kustomization header says to create it.
  if (purpose === 'render' && service.ingress && !allowAnonymous)
    service.secrets = { ...service.secrets, apiKeys: true };
  r.report(
    publicEndpointProblems(
      { host: service.ingress?.host, hasApiKeys: service.secrets.apiKeys, allowAnonymous },
      CONFIG_FIELD_NAMES,
      'pulumi config set --secret llm-deploy:apiKeys <key1,key2>',
    ),
  );
  const onprem =
    target === 'onprem'
      ? readOnPremSection(raw.onprem, {
          kubeconfigSecretSet: secretsSet.kubeconfig,
          registryPasswordSet: secretsSet.registryPassword,
          needsRegistry: true,
          checkCredentials: purpose === 'deploy',
        })
      : undefined;
  const addons = readAddons(r, service, onprem?.settings.ingressServiceType ?? 'LoadBalancer');
  // An unknown target is reported above; its section would only add noise.
  const targetRead = r.problems.every((p) => p.key !== fullKey('target'));
  if (targetRead && target !== 'edge') checkKedaMetricSource(r, service);
  const platforms = targetRead
    ? readPlatformSections(target, raw, service, { prebuiltImage, secretsSet })
    : { problems: [] };
  problems.push(...r.problems, ...(onprem?.problems ?? []), ...platforms.problems);
  const { aws, gcp, edge } = platforms;
  const cost =
    problems.length === 0
      ? costOrProblem({ target, service, addons, aws, gcp }, problems)
      : undefined;
  if (problems.length > 0 || !cost)
    throw new StackConfigError(
      problems,
      purpose === 'deploy' ? 'nothing was deployed' : 'nothing was rendered',
    );
  return {
    target: target as Target,
    service,
    addons,
    ...(prebuiltImage ? { prebuiltImage } : {}),
    ...(onprem ? { onprem: onprem.settings } : {}),
    ...(aws ? { aws } : {}),
    ...(gcp ? { gcp } : {}),
    ...(edge ? { edge } : {}),
    cost,
    allowAnonymous,
    secretsSet,
  };
}

/** The workload's settings with its runtime's section (`llm-deploy:vllm`) read into them. */
function readRuntime(r: ConfigReader, raw: RawConfig, problems: ConfigProblem[]): ServiceSettings {
  const service = readServiceSettings(r);
  // An unknown runtime is reported already; its section would only add noise.
  if (r.problems.some((p) => p.key === fullKey('runtime'))) return service;
  const read = readVllmSection(raw[RUNTIME_SECTION_KEYS.vllm], service, {
    // Pulumi may hand a key's Pulumi.yaml default like a set value: only another value counts.
    dtypeSet: raw.dtype !== undefined && raw.dtype !== CONFIG_KEYS.dtype.default,
    shmSizeSet: raw.shmSize !== undefined && raw.shmSize !== CONFIG_KEYS.shmSize.default,
  });
  problems.push(...read.problems);
  return read.service;
}

/** KEDA needs a metric source (infra/model/service-rules.ts says why). */
function checkKedaMetricSource(r: ConfigReader, service: ServiceSettings): void {
  const source = {
    scaling: service.scaling,
    serviceMonitor: service.serviceMonitor,
    prometheusUrlSet: r.has('prometheusUrl'),
  };
  r.report(kedaMetricSourceProblems(source, CONFIG_FIELD_NAMES));
}

/** The target's own section (`llm-deploy:aws`, `gcp`, `edge`), read against the workload. */
function readPlatformSections(
  target: Target,
  raw: RawConfig,
  service: ServiceSettings,
  context: { prebuiltImage?: string; secretsSet: StackConfig['secretsSet'] },
): Pick<StackConfig, 'aws' | 'gcp' | 'edge'> & { problems: ConfigProblem[] } {
  if (target === 'aws') {
    const aws = readAwsSection(raw[SECTION_KEYS.aws], service);
    return { aws: aws.settings, problems: aws.problems };
  }
  if (target === 'gcp') {
    const gcp = readGcpSection(raw[SECTION_KEYS.gcp], service);
    return { gcp: gcp.settings, problems: gcp.problems };
  }
  if (target === 'edge') {
    const acmeEmail =
      typeof raw.acmeEmail === 'string' ? raw.acmeEmail.trim() || undefined : undefined;
    const edge = readEdgeSection(raw[SECTION_KEYS.edge], service, {
      prebuiltImage: context.prebuiltImage,
      dtypeSet: raw.dtype !== undefined,
      registryPasswordSet: context.secretsSet.registryPassword,
      acmeEmail,
    });
    return { edge: edge.settings, problems: edge.problems };
  }
  return { problems: [] };
}

/** The cost estimate, or a problem when the workload cannot fit the priced nodes. */
function costOrProblem(inputs: CostInputs, problems: ConfigProblem[]): CostEstimate | undefined {
  try {
    return stackCost(inputs);
  } catch (error) {
    if (!(error instanceof PricingError)) throw error;
    problems.push({
      key: fullKey('gpusPerReplica'),
      value: JSON.stringify(inputs.service.resources.gpus),
      why: error.why,
      fix: error.fix,
    });
    return undefined;
  }
}

/** A misspelt secret key still holds a secret: never echo it. */
function mayBeSecret(key: string, near: string | undefined): boolean {
  const isSecretKey = (k: string | undefined) =>
    k !== undefined && k in CONFIG_KEYS && 'secret' in CONFIG_KEYS[k as ConfigKey];
  return isSecretKey(near) || /token|key|password|secret|kubeconfig|credential/i.test(key);
}

function rejectUnknownKeys(raw: RawConfig, problems: ConfigProblem[]): void {
  for (const key of Object.keys(raw)) {
    if (KNOWN_KEYS.includes(key)) continue;
    const near = closest(key, KNOWN_KEYS);
    problems.push({
      key: fullKey(key),
      value: mayBeSecret(key, near) ? '[secret]' : JSON.stringify(raw[key]),
      why: 'is not a setting of llm-deploy',
      fix: near ? `did you mean ${fullKey(near)}?` : 'remove it; the README lists every key',
    });
  }
}

function readAddons(
  r: ConfigReader,
  service: ServiceSettings,
  ingressServiceType: AddonSettings['ingressServiceType'],
): AddonSettings {
  const certManager = r.boolean('addonCertManager');
  const keda = r.boolean('addonKeda');
  const acmeEmail = r.optionalString('acmeEmail');
  const acmeServer = r.string('acmeServer');
  const tls = service.ingress?.tls;
  const issuerName = tls && 'issuer' in tls ? tls.issuer : undefined;
  if (issuerName !== undefined && certManager) {
    const issuer = { name: issuerName, host: service.ingress!.host, acmeEmail, acmeServer };
    r.report(clusterIssuerProblems(issuer, CONFIG_FIELD_NAMES));
  }
  return {
    gpu: r.oneOf<GpuAddon>('addonGpu', ['devicePlugin', 'gpuOperator', 'none']),
    ingressNginx: r.boolean('addonIngressNginx'),
    certManager,
    keda,
    kedaHttp: keda && service.scaling.scaleToZero,
    prometheus: r.boolean('addonPrometheus'),
    prometheusNamespace: service.prometheusNamespace,
    alerts: {
      ttftSloSeconds:
        r.integer('ttftSloMilliseconds', ...SERVICE_BOUNDS.ttftSloMilliseconds) / 1000,
      queuePerReplica: service.scaling.queuePerReplica,
    },
    ...(issuerName !== undefined && certManager && acmeEmail
      ? { clusterIssuer: { name: issuerName, email: acmeEmail, server: acmeServer } }
      : {}),
    interceptorWaitSeconds: service.modelLoadSeconds,
    interceptorResponseSeconds: service.ingress?.requestTimeoutSeconds ?? 600,
    ingressServiceType,
    ingressClass: r.string('ingressClass'),
  };
}
