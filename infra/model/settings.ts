// The stack's settings as plain values (no secrets, no Pulumi outputs): what config produces
// and the components and manifests consume.
import type { GpuTaint } from './scheduling';

export type Dtype = 'fp32' | 'fp16' | 'q8' | 'q4';
export type Autoscaler = 'keda' | 'hpa' | 'none';

export interface ModelSettings {
  /** Hub id or folder; undefined serves the image's embedded model. */
  id?: string;
  revision?: string;
  servedName?: string;
  dtype: Dtype;
}

export interface ResourceSettings {
  cpuRequest: string;
  cpuLimit: string;
  memoryRequest: string;
  memoryLimit: string;
  shmSize: string;
  gpus: number;
}

export interface CacheSettings {
  kind: 'emptyDir' | 'pvc';
  size: string;
  /** Overrides the platform's StorageClass. */
  storageClass?: string;
}

export interface ScalingSettings {
  autoscaler: Autoscaler;
  minReplicas: number;
  maxReplicas: number;
  scaleToZero: boolean;
  queuePerReplica: number;
  cpuTargetPercent: number;
  scaleDownDelaySeconds: number;
  prometheusUrl: string;
}

/** TLS from a cert-manager ClusterIssuer, or from a Secret someone else maintains. */
export type TlsSettings = { issuer: string } | { secretName: string };

export interface IngressSettings {
  host: string;
  className: string;
  tls: TlsSettings;
  maxBodySize: string;
  requestTimeoutSeconds: number;
}

/** Everything the InferenceService needs, as plain values (no secrets, no Pulumi outputs). */
export interface ServiceSettings {
  name: string;
  namespace: string;
  model: ModelSettings;
  resources: ResourceSettings;
  cache: CacheSettings;
  modelLoadSeconds: number;
  shutdownGraceSeconds: number;
  maxConcurrent?: number;
  logLevel: string;
  scaling: ScalingSettings;
  /** Undefined keeps the service cluster-internal. */
  ingress?: IngressSettings;
  ingressControllerNamespace: string;
  prometheusNamespace: string;
  serviceMonitor: boolean;
  /** Origins whose browser pages may call the API (CORS_ORIGINS); empty: none. */
  corsOrigins: string[];
  /** Which secrets the stack sets: the pods reference only those. */
  secrets: { hfToken: boolean; apiKeys: boolean; webhookSecret: boolean };
}

export type GpuAddon = 'devicePlugin' | 'gpuOperator' | 'none';

/** The thresholds of the alert rules (infra/monitoring/llm-deploy.rules.yaml) set from config. */
export interface AlertThresholds {
  /** llm-deploy:ttftSloMilliseconds in seconds: time-to-first-token p95 above it alerts. */
  ttftSloSeconds: number;
  /** llm-deploy:queuePerReplica: the queue alert fires at twice the autoscaler's target. */
  queuePerReplica: number;
}

export interface AddonSettings {
  gpu: GpuAddon;
  ingressNginx: boolean;
  certManager: boolean;
  keda: boolean;
  kedaHttp: boolean;
  prometheus: boolean;
  prometheusNamespace: string;
  /** Thresholds of the alert rules the Prometheus add-on gets. */
  alerts: AlertThresholds;
  /** The ClusterIssuer to create; undefined when cert-manager is off or TLS comes from a Secret. */
  clusterIssuer?: { name: string; email: string; server: string };
  /** How long the KEDA HTTP interceptor holds a request for a cold replica, and waits for headers. */
  interceptorWaitSeconds: number;
  interceptorResponseSeconds: number;
  ingressServiceType: 'LoadBalancer' | 'NodePort';
  /** IngressClass ingress-nginx is installed under (and the ClusterIssuer solves through). */
  ingressClass: string;
}

/** An existing cluster's facts, as the stack config states them. */
export interface OnPremSettings {
  kubeconfigPath?: string;
  context?: string;
  gpuNodeLabels: Record<string, string>;
  gpuTaints: GpuTaint[];
  /** Undefined only when a prebuilt image is given. */
  registry?: { server: string; repository: string; username: string };
  storageClass?: string;
  ingressServiceType: 'LoadBalancer' | 'NodePort';
}
