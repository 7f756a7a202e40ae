// The rules an endpoint's settings obey, written once: the stack config reader (infra/config)
// and the public LlmEndpoint component both check them, each naming the fields its own way
// (`llm-deploy:minReplicas` in a stack, `scaling.minReplicas` in a program).
import { isDnsLabel, isDnsSubdomain, isHostName, MAX_SERVICE_NAME_LENGTH } from '../lib/naming';
import { isNginxSize, parseQuantity } from '../lib/quantity';
import type { ArgProblem } from './arg-problems';
import type { Autoscaler, Dtype, ScalingSettings } from './settings';

export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];
export const AUTOSCALERS: readonly Autoscaler[] = ['keda', 'hpa', 'none'];
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const CACHE_KINDS = ['emptyDir', 'pvc'] as const;

/** A setting of an endpoint, by its stack config key. */
export type ServiceField =
  | 'name'
  | 'namespace'
  | 'model'
  | 'modelRevision'
  | 'servedModelName'
  | 'dtype'
  | 'gpusPerReplica'
  | 'cpuRequest'
  | 'cpuLimit'
  | 'memoryRequest'
  | 'memoryLimit'
  | 'shmSize'
  | 'modelCache'
  | 'modelCacheSize'
  | 'storageClass'
  | 'modelLoadSeconds'
  | 'shutdownGraceSeconds'
  | 'maxConcurrent'
  | 'logLevel'
  | 'autoscaler'
  | 'minReplicas'
  | 'maxReplicas'
  | 'scaleToZero'
  | 'queuePerReplica'
  | 'cpuTargetPercent'
  | 'scaleDownDelaySeconds'
  | 'prometheusUrl'
  | 'host'
  | 'ingressClass'
  | 'tlsSecretName'
  | 'tlsIssuer'
  | 'maxBodySize'
  | 'requestTimeoutSeconds'
  | 'ingressControllerNamespace'
  | 'prometheusNamespace'
  | 'serviceMonitor'
  | 'corsOrigins'
  | 'addonPrometheus'
  | 'apiKeys'
  | 'allowAnonymous'
  | 'acmeEmail'
  | 'acmeServer';

/**
 * How a caller names fields: `full` names the field a problem is about and any other field a
 * reason points at; `short` names fields inside a fix.
 */
export interface FieldNames {
  full(field: ServiceField): string;
  short(field: ServiceField): string;
}

/** A problem, and every field it reads (a caller may hold it back until they are all known). */
export interface ServiceProblem extends ArgProblem {
  reads: ServiceField[];
}

/** Whole-number settings and their bounds. */
export const SERVICE_BOUNDS = {
  gpusPerReplica: [0, 16],
  maxConcurrent: [0, 1024],
  modelLoadSeconds: [30, 7200],
  shutdownGraceSeconds: [1, 3600],
  minReplicas: [1, 1000],
  maxReplicas: [1, 1000],
  queuePerReplica: [1, 10000],
  cpuTargetPercent: [10, 100],
  scaleDownDelaySeconds: [0, 86400],
  requestTimeoutSeconds: [1, 86400],
} as const satisfies Partial<Record<ServiceField, readonly [number, number]>>;

export type BoundedField = keyof typeof SERVICE_BOUNDS;

function problem(
  n: FieldNames,
  field: ServiceField,
  value: unknown,
  why: string,
  fix: string,
  also: ServiceField[] = [],
): ServiceProblem {
  return { field: n.full(field), value, why, fix, reads: [field, ...also] };
}

export function nameProblems(name: string, n: FieldNames): ServiceProblem[] {
  if (isDnsLabel(name, MAX_SERVICE_NAME_LENGTH)) return [];
  return [
    problem(
      n,
      'name',
      name,
      `is not a DNS label of at most ${MAX_SERVICE_NAME_LENGTH} characters`,
      'use lower-case letters, digits and "-", starting with a letter, e.g. "llm-prod"',
    ),
  ];
}

export function namespaceProblems(namespace: string, name: string, n: FieldNames) {
  if (namespace === name || isDnsLabel(namespace)) return [];
  return [
    problem(
      n,
      'namespace',
      namespace,
      'is not a valid namespace name (a DNS label)',
      'use lower-case letters, digits and "-", starting with a letter',
    ),
  ];
}

/** A request above its limit; both must already be quantities. */
export function requestWithinLimitProblems(
  request: { field: 'cpuRequest' | 'memoryRequest'; value: string },
  limit: { field: 'cpuLimit' | 'memoryLimit'; value: string },
  n: FieldNames,
): ServiceProblem[] {
  if (!(parseQuantity(request.value)! > parseQuantity(limit.value)!)) return [];
  return [
    problem(
      n,
      request.field,
      request.value,
      `exceeds ${n.full(limit.field)} (${limit.value}); Kubernetes rejects a request above its limit`,
      `lower ${n.short(request.field)} or raise ${n.short(limit.field)}`,
      [limit.field],
    ),
  ];
}

export function scalingProblems(
  scaling: ScalingSettings,
  hasHost: boolean,
  n: FieldNames,
): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (scaling.minReplicas > scaling.maxReplicas) {
    problems.push(
      problem(
        n,
        'minReplicas',
        scaling.minReplicas,
        `exceeds ${n.full('maxReplicas')} (${scaling.maxReplicas})`,
        `lower ${n.short('minReplicas')} or raise ${n.short('maxReplicas')}`,
        ['maxReplicas'],
      ),
    );
  }
  if (scaling.scaleToZero && scaling.autoscaler !== 'keda') {
    problems.push(
      problem(
        n,
        'scaleToZero',
        true,
        `needs ${n.full('autoscaler')} keda (it is ${scaling.autoscaler}); an HPA cannot scale to zero`,
        `set ${n.short('autoscaler')} to keda, or ${n.short('scaleToZero')} to false`,
        ['autoscaler'],
      ),
    );
  }
  if (scaling.scaleToZero && !hasHost) {
    problems.push(
      problem(
        n,
        'scaleToZero',
        true,
        `needs ${n.full('host')}: the KEDA HTTP add-on routes and holds requests by host name`,
        `set ${n.short('host')}, or ${n.short('scaleToZero')} to false`,
        ['host'],
      ),
    );
  }
  if (scaling.autoscaler === 'keda' && !/^https?:\/\/[^\s/]+/.test(scaling.prometheusUrl)) {
    problems.push(
      problem(
        n,
        'prometheusUrl',
        scaling.prometheusUrl,
        'is not an http(s) URL; KEDA reads the requests-waiting metric from it',
        'use the in-cluster URL, e.g. http://prometheus.monitoring.svc:9090',
        ['autoscaler'],
      ),
    );
  }
  return problems;
}

export function maxBodySizeProblems(maxBodySize: string, n: FieldNames): ServiceProblem[] {
  if (isNginxSize(maxBodySize)) return [];
  return [
    problem(
      n,
      'maxBodySize',
      maxBodySize,
      'is not an nginx size',
      'use digits with an optional k, m or g suffix, e.g. "10m"',
    ),
  ];
}

export function ingressProblems(host: string, className: string, n: FieldNames) {
  const problems: ServiceProblem[] = [];
  if (!isHostName(host)) {
    const fix = /^https?:\/\//.test(host)
      ? `drop the scheme and path: ${JSON.stringify(host.replace(/^https?:\/\//, '').split('/')[0])}`
      : 'use a lower-case DNS name such as "llm.example.com"';
    problems.push(problem(n, 'host', host, 'is not a DNS host name', fix));
  }
  if (!isDnsSubdomain(className))
    problems.push(
      problem(
        n,
        'ingressClass',
        className,
        'is not a valid IngressClass name',
        'use the class of your ingress controller, e.g. "nginx"',
      ),
    );
  return problems;
}

/** The namespace another component runs in (the NetworkPolicy admits its pods). */
export function peerNamespaceProblems(
  field: 'ingressControllerNamespace' | 'prometheusNamespace',
  value: string,
  n: FieldNames,
): ServiceProblem[] {
  if (isDnsLabel(value)) return [];
  return [
    problem(
      n,
      field,
      value,
      'is not a valid namespace name',
      'use the namespace the component runs in, e.g. "monitoring"',
    ),
  ];
}

/** A public endpoint answers anyone unless it has API keys, or says so. */
export function publicEndpointProblems(
  endpoint: { host?: string; hasApiKeys: boolean; allowAnonymous: boolean },
  n: FieldNames,
  howToAddKeys: string,
): ServiceProblem[] {
  if (endpoint.host === undefined || endpoint.hasApiKeys || endpoint.allowAnonymous) return [];
  return [
    problem(
      n,
      'apiKeys',
      undefined,
      `the endpoint is public (host ${endpoint.host}) and has no API keys`,
      `${howToAddKeys}, or set ${n.full('allowAnonymous')} true`,
      ['host', 'allowAnonymous'],
    ),
  ];
}

/** The ClusterIssuer the add-ons create for an Ingress's certificate. */
export function clusterIssuerProblems(
  issuer: { name: string; host: string; acmeEmail?: string; acmeServer: string },
  n: FieldNames,
): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (!issuer.acmeEmail)
    problems.push(
      problem(
        n,
        'acmeEmail',
        undefined,
        `the add-ons create the ClusterIssuer ${issuer.name} for ${issuer.host}, and ACME needs an account e-mail`,
        `set ${n.full('acmeEmail')}, or give an existing certificate in ${n.full('tlsSecretName')}`,
        ['tlsIssuer', 'host'],
      ),
    );
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(issuer.acmeEmail))
    problems.push(
      problem(
        n,
        'acmeEmail',
        issuer.acmeEmail,
        'is not an e-mail address',
        'use an address that can receive expiry notices, e.g. ops@example.com',
      ),
    );
  if (!/^https:\/\//.test(issuer.acmeServer))
    problems.push(
      problem(
        n,
        'acmeServer',
        issuer.acmeServer,
        'is not an https URL of an ACME directory',
        "use Let's Encrypt's https://acme-v02.api.letsencrypt.org/directory",
      ),
    );
  return problems;
}

/** As the server takes CORS_ORIGINS: `*`, or origins without a path. */
export function corsOriginProblems(origins: readonly string[], n: FieldNames): ServiceProblem[] {
  return origins
    .filter((origin) => origin !== '*' && URL.parse(origin)?.origin !== origin)
    .map((origin) =>
      problem(
        n,
        'corsOrigins',
        origin,
        'is not an origin (scheme://host[:port], no path or trailing slash)',
        'list origins as browsers send them, e.g. https://app.example.com, or * for any',
      ),
    );
}

/**
 * KEDA scales on llm_requests_waiting, read from Prometheus: without a Prometheus that scrapes
 * the pods it has no metric and the service never scales, silently. A ServiceMonitor (for the
 * add-on's kube-prometheus-stack, or a prometheus-operator the cluster runs) or a prometheusUrl
 * of the user's own choosing is a metric source; the default URL alone is not.
 */
export function kedaMetricSourceProblems(
  source: { scaling: ScalingSettings; serviceMonitor: boolean; prometheusUrlSet: boolean },
  n: FieldNames,
): ServiceProblem[] {
  const { scaling, serviceMonitor, prometheusUrlSet } = source;
  if (scaling.autoscaler !== 'keda' || serviceMonitor || prometheusUrlSet) return [];
  return [
    problem(
      n,
      'autoscaler',
      'keda',
      `scales on llm_requests_waiting, which KEDA reads from Prometheus at ${scaling.prometheusUrl}, but nothing makes a Prometheus scrape the pods (${n.short('serviceMonitor')} is false, ${n.short('prometheusUrl')} is the default), so it would never scale`,
      `set ${n.full('addonPrometheus')} true (installs kube-prometheus-stack and, with it, the ServiceMonitor), or ${n.short('serviceMonitor')} true for a prometheus-operator the cluster runs, or ${n.short('prometheusUrl')} to your own Prometheus that scrapes the pods (prometheus.io/* annotations), or ${n.short('autoscaler')} hpa`,
      ['serviceMonitor', 'prometheusUrl'],
    ),
  ];
}
