import {
  AUTOSCALERS,
  CACHE_KINDS,
  corsOriginProblems,
  ingressProblems,
  LOG_LEVELS,
  maxBodySizeProblems,
  nameProblems,
  namespaceProblems,
  peerNamespaceProblems,
  requestWithinLimitProblems,
  RUNTIMES,
  scalingProblems,
  SERVICE_BOUNDS,
  type FieldNames,
  type IngressSettings,
  type ScalingSettings,
  type ServiceSettings,
} from '../model';
import { fullKey, type ConfigReader } from './reader';
import { readModelSettings } from './model';

/** Stack config names a field by its key: `llm-deploy:key`, and `key` inside a fix. */
export const CONFIG_FIELD_NAMES: FieldNames = { full: fullKey, short: (field) => field };
const n = CONFIG_FIELD_NAMES;

/** The workload's settings; cross-key rules are checked here too, each naming both keys. */
export function readServiceSettings(r: ConfigReader): ServiceSettings {
  const name = readName(r);
  const namespace = r.optionalString('namespace') ?? name;
  r.report(namespaceProblems(namespace, name, n));
  const resources = {
    cpuRequest: r.quantity('cpuRequest', 'cpu'),
    cpuLimit: r.quantity('cpuLimit', 'cpu'),
    memoryRequest: r.quantity('memoryRequest', 'memory'),
    memoryLimit: r.quantity('memoryLimit', 'memory'),
    shmSize: r.quantity('shmSize', 'memory'),
    gpus: r.integer('gpusPerReplica', ...SERVICE_BOUNDS.gpusPerReplica),
  };
  r.report(
    requestWithinLimitProblems(
      { field: 'cpuRequest', value: resources.cpuRequest },
      { field: 'cpuLimit', value: resources.cpuLimit },
      n,
    ),
  );
  r.report(
    requestWithinLimitProblems(
      { field: 'memoryRequest', value: resources.memoryRequest },
      { field: 'memoryLimit', value: resources.memoryLimit },
      n,
    ),
  );
  const maxConcurrent = r.integer('maxConcurrent', ...SERVICE_BOUNDS.maxConcurrent);
  const storageClass = r.optionalString('storageClass');
  const ingress = readIngress(r);
  return {
    name,
    namespace,
    model: readModelSettings(r),
    // runtime vllm's own settings (llm-deploy:vllm) are read by config/vllm.ts.
    runtime: r.oneOf('runtime', RUNTIMES),
    resources,
    cache: {
      kind: r.oneOf('modelCache', CACHE_KINDS),
      size: r.quantity('modelCacheSize', 'memory'),
      ...(storageClass ? { storageClass } : {}),
    },
    modelLoadSeconds: r.integer('modelLoadSeconds', ...SERVICE_BOUNDS.modelLoadSeconds),
    shutdownGraceSeconds: r.integer('shutdownGraceSeconds', ...SERVICE_BOUNDS.shutdownGraceSeconds),
    ...(maxConcurrent > 0 ? { maxConcurrent } : {}),
    logLevel: r.oneOf('logLevel', LOG_LEVELS),
    scaling: readScaling(r, ingress),
    ...(ingress ? { ingress } : {}),
    ingressControllerNamespace: readNamespaceKey(r, 'ingressControllerNamespace'),
    prometheusNamespace: readNamespaceKey(r, 'prometheusNamespace'),
    // With the add-on's kube-prometheus-stack, which scrapes by ServiceMonitor, one is made too.
    serviceMonitor: r.has('serviceMonitor')
      ? r.boolean('serviceMonitor')
      : r.boolean('addonPrometheus'),
    corsOrigins: readCorsOrigins(r),
    secrets: {
      hfToken: r.has('hfToken'),
      apiKeys: r.has('apiKeys'),
      webhookSecret: r.has('webhookSecret'),
    },
  };
}

/** As the server takes CORS_ORIGINS: `*`, or origins without a path. */
function readCorsOrigins(r: ConfigReader): string[] {
  const origins = r
    .string('corsOrigins')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o !== '');
  r.report(corsOriginProblems(origins, n));
  return origins;
}

function readName(r: ConfigReader): string {
  const name = r.string('name');
  r.report(nameProblems(name, n));
  return name;
}

function readNamespaceKey(
  r: ConfigReader,
  key: 'ingressControllerNamespace' | 'prometheusNamespace',
): string {
  const value = r.string(key);
  r.report(peerNamespaceProblems(key, value, n));
  return value;
}

function readScaling(r: ConfigReader, ingress: IngressSettings | undefined): ScalingSettings {
  const scaling: ScalingSettings = {
    autoscaler: r.oneOf('autoscaler', AUTOSCALERS),
    minReplicas: r.integer('minReplicas', ...SERVICE_BOUNDS.minReplicas),
    maxReplicas: r.integer('maxReplicas', ...SERVICE_BOUNDS.maxReplicas),
    scaleToZero: r.boolean('scaleToZero'),
    queuePerReplica: r.integer('queuePerReplica', ...SERVICE_BOUNDS.queuePerReplica),
    cpuTargetPercent: r.integer('cpuTargetPercent', ...SERVICE_BOUNDS.cpuTargetPercent),
    scaleDownDelaySeconds: r.integer(
      'scaleDownDelaySeconds',
      ...SERVICE_BOUNDS.scaleDownDelaySeconds,
    ),
    prometheusUrl: r.string('prometheusUrl'),
  };
  r.report(scalingProblems(scaling, ingress !== undefined, n));
  return scaling;
}

function readIngress(r: ConfigReader): IngressSettings | undefined {
  const host = r.optionalString('host');
  const className = r.string('ingressClass');
  const maxBodySize = r.string('maxBodySize');
  const requestTimeoutSeconds = r.integer(
    'requestTimeoutSeconds',
    ...SERVICE_BOUNDS.requestTimeoutSeconds,
  );
  const secretName = r.optionalString('tlsSecretName');
  const issuer = r.string('tlsIssuer');
  r.report(maxBodySizeProblems(maxBodySize, n));
  if (host === undefined) return undefined;
  r.report(ingressProblems(host, className, n));
  return {
    host,
    className,
    tls: secretName ? { secretName } : { issuer },
    maxBodySize,
    requestTimeoutSeconds,
  };
}
