// From LlmEndpoint's public args to the plain ServiceSettings the manifests are built from: once
// with placeholders for the values not known yet (the objects' shape, known now), and once as
// an Output with every value resolved (what is deployed).
import * as pulumi from '@pulumi/pulumi';
import { DEFAULT_VLLM_MAX_CONCURRENT, type ServiceField, type ServiceSettings } from '../../model';
import type { LlmEndpointArgs } from './args';
import { ENDPOINT_DEFAULTS as D } from './defaults';

/** The settings that may be `pulumi.Input`s, by field, defaults applied. */
function inputFields(args: LlmEndpointArgs) {
  const { model = {}, resources = {}, modelCache = {}, scaling = {}, server = {} } = args;
  const { ingress } = args;
  const tls = ingress?.tls;
  return {
    model: model.id,
    modelRevision: model.revision,
    servedModelName: model.servedName,
    dtype: model.dtype ?? D.dtype,
    cpuRequest: resources.cpuRequest ?? D.cpuRequest,
    cpuLimit: resources.cpuLimit ?? D.cpuLimit,
    memoryRequest: resources.memoryRequest ?? D.memoryRequest,
    memoryLimit: resources.memoryLimit ?? D.memoryLimit,
    shmSize: resources.shmSize ?? D.shmSize,
    modelCacheSize: modelCache.size ?? D.modelCacheSize,
    maxConcurrent: server.maxConcurrent ?? D.maxConcurrent,
    logLevel: server.logLevel ?? D.logLevel,
    corsOrigins: server.corsOrigins ?? [],
    minReplicas: scaling.minReplicas ?? D.minReplicas,
    maxReplicas: scaling.maxReplicas ?? D.maxReplicas,
    queuePerReplica: scaling.queuePerReplica ?? D.queuePerReplica,
    cpuTargetPercent: scaling.cpuTargetPercent ?? D.cpuTargetPercent,
    scaleDownDelaySeconds: scaling.scaleDownDelaySeconds ?? D.scaleDownDelaySeconds,
    prometheusUrl: scaling.prometheusUrl ?? D.prometheusUrl,
    host: ingress?.host,
    tlsSecretName: tls && 'secretName' in tls ? tls.secretName : undefined,
    maxBodySize: ingress?.maxBodySize ?? D.maxBodySize,
  } satisfies Partial<Record<ServiceField, pulumi.Input<unknown> | undefined>>;
}

type InputFields = ReturnType<typeof inputFields>;
type FieldValues = { [K in keyof InputFields]: pulumi.Unwrap<InputFields[K]> };

/** Stand-ins for values not known yet: they give the shape and never reach a cluster. */
const PLACEHOLDERS: Partial<FieldValues> = {
  model: 'pending',
  modelRevision: 'pending',
  servedModelName: 'pending',
  host: 'pending.invalid',
  tlsSecretName: 'pending',
  corsOrigins: [],
};

function isPending(value: unknown): boolean {
  return pulumi.Output.isInstance(value) || value instanceof Promise;
}

function toServiceSettings(name: string, args: LlmEndpointArgs, v: FieldValues): ServiceSettings {
  const { ingress, scaling = {}, server = {}, monitoring = {}, secrets = {} } = args;
  const runtime = args.runtime ?? D.runtime;
  // 0 keeps the engine's default: the server's, or with vLLM its own larger batch.
  const maxConcurrent =
    v.maxConcurrent === 0 && runtime === 'vllm' ? DEFAULT_VLLM_MAX_CONCURRENT : v.maxConcurrent;
  return {
    name,
    namespace: args.namespace ?? name,
    model: {
      id: v.model,
      revision: v.modelRevision,
      servedName: v.servedModelName,
      dtype: v.dtype,
      ...(args.model?.engine ? { engine: args.model.engine } : {}),
      ...(args.model?.ggufFile ? { ggufFile: args.model.ggufFile } : {}),
      ...(args.model?.quant ? { quant: args.model.quant } : {}),
    },
    runtime,
    ...(args.vllm
      ? { vllm: { dtype: 'auto' as const, ...args.vllm, extraArgs: args.vllm.extraArgs ?? [] } }
      : {}),
    resources: {
      cpuRequest: v.cpuRequest,
      cpuLimit: v.cpuLimit,
      memoryRequest: v.memoryRequest,
      memoryLimit: v.memoryLimit,
      shmSize: v.shmSize,
      gpus: args.resources?.gpus ?? D.gpusPerReplica,
    },
    cache: { kind: args.modelCache?.kind ?? D.modelCache, size: v.modelCacheSize },
    modelLoadSeconds: server.modelLoadSeconds ?? D.modelLoadSeconds,
    shutdownGraceSeconds: server.shutdownGraceSeconds ?? D.shutdownGraceSeconds,
    // 0 keeps the server's default; anything else (even out of range) is checked and set.
    ...(maxConcurrent !== 0 ? { maxConcurrent } : {}),
    logLevel: v.logLevel,
    scaling: {
      autoscaler: scaling.autoscaler ?? D.autoscaler,
      minReplicas: v.minReplicas,
      maxReplicas: v.maxReplicas,
      scaleToZero: scaling.scaleToZero ?? D.scaleToZero,
      queuePerReplica: v.queuePerReplica,
      cpuTargetPercent: v.cpuTargetPercent,
      scaleDownDelaySeconds: v.scaleDownDelaySeconds,
      prometheusUrl: v.prometheusUrl,
    },
    ...(ingress
      ? {
          ingress: {
            host: v.host!,
            className: ingress.className ?? D.ingressClass,
            tls:
              v.tlsSecretName !== undefined
                ? { secretName: v.tlsSecretName }
                : {
                    issuer: (ingress.tls as { issuer?: string } | undefined)?.issuer ?? D.tlsIssuer,
                  },
            maxBodySize: v.maxBodySize,
            requestTimeoutSeconds: ingress.requestTimeoutSeconds ?? D.requestTimeoutSeconds,
          },
        }
      : {}),
    ingressControllerNamespace: args.ingressControllerNamespace ?? D.ingressControllerNamespace,
    prometheusNamespace: monitoring.prometheusNamespace ?? D.prometheusNamespace,
    // With the add-on's kube-prometheus-stack, which scrapes by ServiceMonitor, one is made too.
    serviceMonitor: monitoring.serviceMonitor ?? args.addons?.prometheus ?? D.serviceMonitor,
    corsOrigins: v.corsOrigins,
    secrets: {
      hfToken: secrets.hfToken !== undefined,
      apiKeys: secrets.apiKeys !== undefined,
      webhookSecret: secrets.webhookSecret !== undefined,
    },
  };
}

export interface EndpointSettings {
  /** The settings with placeholders for pending values: which objects exist, and their shape. */
  shape: ServiceSettings;
  /** The same settings once every Input is known. */
  values: pulumi.Output<ServiceSettings>;
  /** Fields whose value is an Output or a Promise, not known until deployment. */
  pending: ReadonlySet<ServiceField>;
}

/** `check` runs on the resolved settings (it may throw, failing the deployment). */
export function endpointSettings(
  name: string,
  args: LlmEndpointArgs,
  check: (resolved: ServiceSettings, pending: ReadonlySet<ServiceField>) => void,
): EndpointSettings {
  const fields = inputFields(args);
  const entries = Object.entries(fields) as [keyof InputFields, unknown][];
  const pending = new Set<ServiceField>(entries.filter(([, v]) => isPending(v)).map(([k]) => k));
  const known = Object.fromEntries(
    entries.map(([k, v]) => [k, pending.has(k) ? (PLACEHOLDERS[k] ?? D[k as keyof typeof D]) : v]),
  ) as FieldValues;
  const values = pulumi.output(fields).apply((resolved) => {
    const settings = toServiceSettings(name, args, resolved as FieldValues);
    check(settings, pending);
    return settings;
  });
  return { shape: toServiceSettings(name, args, known), values, pending };
}
