// The fields an endpoint's rules (service-rules.ts, access-rules.ts) speak of, and the shape of
// their problems: the stack config reader (infra/config) and the public LlmEndpoint component
// both check those rules, each naming the fields its own way (`llm-deploy:minReplicas` in a
// stack, `scaling.minReplicas` in a program).
import type { ArgProblem } from './arg-problems';
import type { Autoscaler, Dtype, Engine, Runtime } from './settings';

export const DTYPES: readonly Dtype[] = ['fp32', 'fp16', 'q8', 'q4'];
export const AUTOSCALERS: readonly Autoscaler[] = ['keda', 'hpa', 'none'];
export const ENGINES: readonly Engine[] = ['onnx', 'llamacpp'];
export const RUNTIMES: readonly Runtime[] = ['onnx', 'vllm'];
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
  | 'runtime'
  | 'engine'
  | 'ggufFile'
  | 'quant'
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
  | 'acmeServer'
  | 'ttftSloMilliseconds';

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
  ttftSloMilliseconds: [50, 600_000],
} as const satisfies Partial<Record<ServiceField, readonly [number, number]>>;

export type BoundedField = keyof typeof SERVICE_BOUNDS;

/** A problem about `field`, which also reads the fields `also`. */
export function serviceProblem(
  n: FieldNames,
  field: ServiceField,
  value: unknown,
  why: string,
  fix: string,
  also: ServiceField[] = [],
): ServiceProblem {
  return { field: n.full(field), value, why, fix, reads: [field, ...also] };
}
