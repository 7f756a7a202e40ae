// LlmEndpoint's checks: the rules a stack's config obeys (infra/model/service-rules and
// access-rules) with the fields named as the args spell them, plus the per-value checks the
// config reader makes itself.
import {
  AUTOSCALERS,
  CACHE_KINDS,
  clusterIssuerProblems,
  corsOriginProblems,
  DTYPES,
  ENGINES,
  ingressProblems,
  kedaMetricSourceProblems,
  LOG_LEVELS,
  maxBodySizeProblems,
  nameProblems,
  namespaceProblems,
  notOneOf,
  notQuantity,
  notWholeNumber,
  outOfRange,
  PINNED_BY_DIGEST,
  peerNamespaceProblems,
  publicEndpointProblems,
  requestWithinLimitProblems,
  RUNTIMES,
  scalingProblems,
  SERVICE_BOUNDS,
  type BoundedField,
  type FieldNames,
  type Rule,
  type ServiceField,
  type ServiceProblem,
  type ServiceSettings,
} from '../../model';
import { parseQuantity } from '../../lib/quantity';
import type { EndpointAddonsArgs } from './args';
import { ENDPOINT_DEFAULTS as D } from './defaults';

/** Each setting's path in LlmEndpointArgs. */
export const ENDPOINT_FIELD_PATHS: Record<ServiceField, string> = {
  name: 'name',
  namespace: 'namespace',
  model: 'model.id',
  modelRevision: 'model.revision',
  servedModelName: 'model.servedName',
  dtype: 'model.dtype',
  runtime: 'runtime',
  engine: 'model.engine',
  ggufFile: 'model.ggufFile',
  quant: 'model.quant',
  gpusPerReplica: 'resources.gpus',
  cpuRequest: 'resources.cpuRequest',
  cpuLimit: 'resources.cpuLimit',
  memoryRequest: 'resources.memoryRequest',
  memoryLimit: 'resources.memoryLimit',
  shmSize: 'resources.shmSize',
  modelCache: 'modelCache.kind',
  modelCacheSize: 'modelCache.size',
  storageClass: 'modelCache.storageClass',
  modelLoadSeconds: 'server.modelLoadSeconds',
  shutdownGraceSeconds: 'server.shutdownGraceSeconds',
  maxConcurrent: 'server.maxConcurrent',
  logLevel: 'server.logLevel',
  autoscaler: 'scaling.autoscaler',
  minReplicas: 'scaling.minReplicas',
  maxReplicas: 'scaling.maxReplicas',
  scaleToZero: 'scaling.scaleToZero',
  queuePerReplica: 'scaling.queuePerReplica',
  cpuTargetPercent: 'scaling.cpuTargetPercent',
  scaleDownDelaySeconds: 'scaling.scaleDownDelaySeconds',
  prometheusUrl: 'scaling.prometheusUrl',
  host: 'ingress.host',
  ingressClass: 'ingress.className',
  tlsSecretName: 'ingress.tls.secretName',
  tlsIssuer: 'ingress.tls.issuer',
  maxBodySize: 'ingress.maxBodySize',
  requestTimeoutSeconds: 'ingress.requestTimeoutSeconds',
  ingressControllerNamespace: 'ingressControllerNamespace',
  prometheusNamespace: 'monitoring.prometheusNamespace',
  serviceMonitor: 'monitoring.serviceMonitor',
  corsOrigins: 'server.corsOrigins',
  addonPrometheus: 'addons.prometheus',
  apiKeys: 'secrets.apiKeys',
  allowAnonymous: 'allowAnonymous',
  acmeEmail: 'addons.acmeEmail',
  acmeServer: 'addons.acmeServer',
  ttftSloMilliseconds: 'addons.ttftSloMilliseconds',
};

const n: FieldNames = {
  full: (field) => ENDPOINT_FIELD_PATHS[field],
  short: (field) => ENDPOINT_FIELD_PATHS[field],
};

function valueProblem(field: ServiceField, value: unknown, rule: Rule): ServiceProblem {
  return { field: n.full(field), value, ...rule, reads: [field] };
}

function numberProblems(s: ServiceSettings, addons?: EndpointAddonsArgs): ServiceProblem[] {
  const numbers: [BoundedField, number][] = [
    ['gpusPerReplica', s.resources.gpus],
    ['maxConcurrent', s.maxConcurrent ?? 0],
    ['modelLoadSeconds', s.modelLoadSeconds],
    ['shutdownGraceSeconds', s.shutdownGraceSeconds],
    ['minReplicas', s.scaling.minReplicas],
    ['maxReplicas', s.scaling.maxReplicas],
    ['queuePerReplica', s.scaling.queuePerReplica],
    ['cpuTargetPercent', s.scaling.cpuTargetPercent],
    ['scaleDownDelaySeconds', s.scaling.scaleDownDelaySeconds],
    ...(s.ingress
      ? [['requestTimeoutSeconds', s.ingress.requestTimeoutSeconds] as [BoundedField, number]]
      : []),
    ...(addons?.ttftSloMilliseconds !== undefined
      ? [['ttftSloMilliseconds', addons.ttftSloMilliseconds] as [BoundedField, number]]
      : []),
  ];
  return numbers.flatMap(([field, value]): ServiceProblem[] => {
    const [min, max] = SERVICE_BOUNDS[field];
    if (!Number.isInteger(value))
      return [valueProblem(field, value, notWholeNumber(`${n.full(field)}: ${min}`))];
    if (value < min || value > max) return [valueProblem(field, value, outOfRange(min, max))];
    return [];
  });
}

function quantityAndChoiceProblems(s: ServiceSettings): ServiceProblem[] {
  const quantities: [ServiceField, string, 'cpu' | 'memory'][] = [
    ['cpuRequest', s.resources.cpuRequest, 'cpu'],
    ['cpuLimit', s.resources.cpuLimit, 'cpu'],
    ['memoryRequest', s.resources.memoryRequest, 'memory'],
    ['memoryLimit', s.resources.memoryLimit, 'memory'],
    ['shmSize', s.resources.shmSize, 'memory'],
    ['modelCacheSize', s.cache.size, 'memory'],
  ];
  const choices: [ServiceField, string, readonly string[]][] = [
    ['dtype', s.model.dtype, DTYPES],
    ['runtime', s.runtime, RUNTIMES],
    ...(s.model.engine
      ? [['engine', s.model.engine, ENGINES] as [ServiceField, string, readonly string[]]]
      : []),
    ['modelCache', s.cache.kind, CACHE_KINDS],
    ['logLevel', s.logLevel, LOG_LEVELS],
    ['autoscaler', s.scaling.autoscaler, AUTOSCALERS],
  ];
  return [
    ...quantities
      .filter(([, value]) => !(typeof value === 'string' && parseQuantity(value)! > 0))
      .map(([field, value, unit]) => valueProblem(field, value, notQuantity(unit))),
    ...choices
      .filter(([, value, allowed]) => !allowed.includes(value))
      .map(([field, value, allowed]) =>
        valueProblem(field, value, notOneOf(allowed, String(value))),
      ),
  ];
}

/** What runtime vllm needs (infra/config/vllm.ts checks the same for a stack). */
function runtimeProblems(s: ServiceSettings): ServiceProblem[] {
  if (s.runtime !== 'vllm') {
    return s.vllm
      ? [
          valueProblem('runtime', s.runtime, {
            why: 'is not vllm, so vllm is not read',
            fix: "set runtime: 'vllm', or drop vllm",
          }),
        ]
      : [];
  }
  const problems: ServiceProblem[] = [];
  if (!s.vllm || !PINNED_BY_DIGEST.test(s.vllm.image))
    problems.push(
      valueProblem('runtime', s.vllm?.image, {
        why: 'is vllm, which needs vllm.image pinned by digest',
        fix: 'pass vllm: { image: "vllm/vllm-openai:<version>@sha256:<digest>" }',
      }),
    );
  if (s.resources.gpus < 1)
    problems.push(
      valueProblem('gpusPerReplica', s.resources.gpus, {
        why: 'is 0, and runtime vllm serves on NVIDIA GPUs',
        fix: 'set resources.gpus to 1 or more, or runtime onnx',
      }),
    );
  return problems;
}

export interface EndpointExtras {
  allowAnonymous: boolean;
  /** `scaling.prometheusUrl` is given (the default alone is no metric source for KEDA). */
  prometheusUrlSet: boolean;
  /** The add-ons, when the endpoint installs them. */
  addons?: EndpointAddonsArgs;
}

/** Every problem of an endpoint's settings, named by its args' paths. */
export function endpointProblems(s: ServiceSettings, extras: EndpointExtras): ServiceProblem[] {
  const { resources: r, ingress } = s;
  const tls = ingress?.tls;
  const issuer = tls && 'issuer' in tls ? tls.issuer : undefined;
  const certManager = extras.addons && (extras.addons.certManager ?? D.addonCertManager);
  return [
    ...nameProblems(s.name, n),
    ...namespaceProblems(s.namespace, s.name, n),
    ...numberProblems(s, extras.addons),
    ...runtimeProblems(s),
    ...quantityAndChoiceProblems(s),
    ...requestWithinLimitProblems(
      { field: 'cpuRequest', value: r.cpuRequest },
      { field: 'cpuLimit', value: r.cpuLimit },
      n,
    ),
    ...requestWithinLimitProblems(
      { field: 'memoryRequest', value: r.memoryRequest },
      { field: 'memoryLimit', value: r.memoryLimit },
      n,
    ),
    ...scalingProblems(s.scaling, ingress !== undefined, n),
    ...kedaMetricSourceProblems(
      {
        scaling: s.scaling,
        serviceMonitor: s.serviceMonitor,
        prometheusUrlSet: extras.prometheusUrlSet,
      },
      n,
    ),
    ...corsOriginProblems(s.corsOrigins, n),
    ...(ingress
      ? [
          ...maxBodySizeProblems(ingress.maxBodySize, n),
          ...ingressProblems(ingress.host, ingress.className, n),
        ]
      : []),
    ...peerNamespaceProblems('ingressControllerNamespace', s.ingressControllerNamespace, n),
    ...peerNamespaceProblems('prometheusNamespace', s.prometheusNamespace, n),
    ...publicEndpointProblems(
      { host: ingress?.host, hasApiKeys: s.secrets.apiKeys, allowAnonymous: extras.allowAnonymous },
      n,
      `pass ${n.full('apiKeys')}`,
    ),
    ...(ingress && issuer !== undefined && certManager
      ? clusterIssuerProblems(
          {
            name: issuer,
            host: ingress.host,
            acmeEmail: extras.addons?.acmeEmail,
            acmeServer: extras.addons?.acmeServer ?? D.acmeServer,
          },
          n,
        )
      : []),
  ];
}
