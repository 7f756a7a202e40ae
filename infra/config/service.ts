import { isDnsLabel, isDnsSubdomain, isHostName, MAX_SERVICE_NAME_LENGTH } from '../lib/naming';
import { isNginxSize, parseQuantity } from '../lib/quantity';
import { fullKey, type ConfigReader } from './reader';
import type {
  Autoscaler,
  Dtype,
  IngressSettings,
  ScalingSettings,
  ServiceSettings,
} from '../model';

const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];
const AUTOSCALERS: readonly Autoscaler[] = ['keda', 'hpa', 'none'];
const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

/** The workload's settings; cross-key rules are checked here too, each naming both keys. */
export function readServiceSettings(r: ConfigReader): ServiceSettings {
  const name = readName(r);
  const namespace = r.optionalString('namespace') ?? name;
  if (namespace !== name && !isDnsLabel(namespace)) {
    r.problem(
      'namespace',
      namespace,
      'is not a valid namespace name (a DNS label)',
      'use lower-case letters, digits and "-", starting with a letter',
    );
  }
  const resources = {
    cpuRequest: r.quantity('cpuRequest', 'cpu'),
    cpuLimit: r.quantity('cpuLimit', 'cpu'),
    memoryRequest: r.quantity('memoryRequest', 'memory'),
    memoryLimit: r.quantity('memoryLimit', 'memory'),
    shmSize: r.quantity('shmSize', 'memory'),
    gpus: r.integer('gpusPerReplica', 0, 16),
  };
  requestWithinLimit(r, 'cpuRequest', resources.cpuRequest, 'cpuLimit', resources.cpuLimit);
  requestWithinLimit(
    r,
    'memoryRequest',
    resources.memoryRequest,
    'memoryLimit',
    resources.memoryLimit,
  );
  const maxConcurrent = r.integer('maxConcurrent', 0, 1024);
  const storageClass = r.optionalString('storageClass');
  const ingress = readIngress(r);
  return {
    name,
    namespace,
    model: {
      id: r.optionalString('model'),
      revision: r.optionalString('modelRevision'),
      servedName: r.optionalString('servedModelName'),
      dtype: r.oneOf('dtype', DTYPES),
    },
    resources,
    cache: {
      kind: r.oneOf('modelCache', ['emptyDir', 'pvc'] as const),
      size: r.quantity('modelCacheSize', 'memory'),
      ...(storageClass ? { storageClass } : {}),
    },
    modelLoadSeconds: r.integer('modelLoadSeconds', 30, 7200),
    shutdownGraceSeconds: r.integer('shutdownGraceSeconds', 1, 3600),
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
  for (const origin of origins) {
    if (origin !== '*' && URL.parse(origin)?.origin !== origin) {
      r.problem(
        'corsOrigins',
        origin,
        'is not an origin (scheme://host[:port], no path or trailing slash)',
        'list origins as browsers send them, e.g. https://app.example.com, or * for any',
      );
    }
  }
  return origins;
}

function readName(r: ConfigReader): string {
  const name = r.string('name');
  if (!isDnsLabel(name, MAX_SERVICE_NAME_LENGTH)) {
    r.problem(
      'name',
      name,
      `is not a DNS label of at most ${MAX_SERVICE_NAME_LENGTH} characters`,
      'use lower-case letters, digits and "-", starting with a letter, e.g. "llm-prod"',
    );
  }
  return name;
}

function readNamespaceKey(
  r: ConfigReader,
  key: 'ingressControllerNamespace' | 'prometheusNamespace',
): string {
  const value = r.string(key);
  if (!isDnsLabel(value))
    r.problem(
      key,
      value,
      'is not a valid namespace name',
      'use the namespace the component runs in, e.g. "monitoring"',
    );
  return value;
}

function requestWithinLimit(
  r: ConfigReader,
  requestKey: 'cpuRequest' | 'memoryRequest',
  request: string,
  limitKey: 'cpuLimit' | 'memoryLimit',
  limit: string,
): void {
  if (parseQuantity(request)! > parseQuantity(limit)!) {
    r.problem(
      requestKey,
      request,
      `exceeds ${fullKey(limitKey)} (${limit}); Kubernetes rejects a request above its limit`,
      `lower ${requestKey} or raise ${limitKey}`,
    );
  }
}

function readScaling(r: ConfigReader, ingress: IngressSettings | undefined): ScalingSettings {
  const scaling: ScalingSettings = {
    autoscaler: r.oneOf('autoscaler', AUTOSCALERS),
    minReplicas: r.integer('minReplicas', 1, 1000),
    maxReplicas: r.integer('maxReplicas', 1, 1000),
    scaleToZero: r.boolean('scaleToZero'),
    queuePerReplica: r.integer('queuePerReplica', 1, 10000),
    cpuTargetPercent: r.integer('cpuTargetPercent', 10, 100),
    scaleDownDelaySeconds: r.integer('scaleDownDelaySeconds', 0, 86400),
    prometheusUrl: r.string('prometheusUrl'),
  };
  if (scaling.minReplicas > scaling.maxReplicas) {
    r.problem(
      'minReplicas',
      scaling.minReplicas,
      `exceeds llm-deploy:maxReplicas (${scaling.maxReplicas})`,
      'lower minReplicas or raise maxReplicas',
    );
  }
  if (scaling.scaleToZero && scaling.autoscaler !== 'keda') {
    r.problem(
      'scaleToZero',
      true,
      `needs llm-deploy:autoscaler keda (it is ${scaling.autoscaler}); an HPA cannot scale to zero`,
      'set autoscaler to keda, or scaleToZero to false',
    );
  }
  if (scaling.scaleToZero && !ingress) {
    r.problem(
      'scaleToZero',
      true,
      'needs llm-deploy:host: the KEDA HTTP add-on routes and holds requests by host name',
      'set host, or scaleToZero to false',
    );
  }
  if (scaling.autoscaler === 'keda' && !/^https?:\/\/[^\s/]+/.test(scaling.prometheusUrl)) {
    r.problem(
      'prometheusUrl',
      scaling.prometheusUrl,
      'is not an http(s) URL; KEDA reads the requests-waiting metric from it',
      'use the in-cluster URL, e.g. http://prometheus.monitoring.svc:9090',
    );
  }
  return scaling;
}

function readIngress(r: ConfigReader): IngressSettings | undefined {
  const host = r.optionalString('host');
  const className = r.string('ingressClass');
  const maxBodySize = r.string('maxBodySize');
  const requestTimeoutSeconds = r.integer('requestTimeoutSeconds', 1, 86400);
  const secretName = r.optionalString('tlsSecretName');
  const issuer = r.string('tlsIssuer');
  if (!isNginxSize(maxBodySize)) {
    r.problem(
      'maxBodySize',
      maxBodySize,
      'is not an nginx size',
      'use digits with an optional k, m or g suffix, e.g. "10m"',
    );
  }
  if (host === undefined) return undefined;
  if (!isHostName(host)) {
    const fix = /^https?:\/\//.test(host)
      ? `drop the scheme and path: ${JSON.stringify(host.replace(/^https?:\/\//, '').split('/')[0])}`
      : 'use a lower-case DNS name such as "llm.example.com"';
    r.problem('host', host, 'is not a DNS host name', fix);
  }
  if (!isDnsSubdomain(className))
    r.problem(
      'ingressClass',
      className,
      'is not a valid IngressClass name',
      'use the class of your ingress controller, e.g. "nginx"',
    );
  return {
    host,
    className,
    tls: secretName ? { secretName } : { issuer },
    maxBodySize,
    requestTimeoutSeconds,
  };
}
