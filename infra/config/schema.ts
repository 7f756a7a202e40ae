/**
 * Every top-level stack config key: its type, default and meaning. Pulumi.yaml declares the same
 * keys (a test keeps the two equal), the README documents them, and the parser reads only these.
 */

export type KeyType = 'string' | 'integer' | 'boolean';

export interface KeySpec {
  type: KeyType;
  default?: string | number | boolean;
  description: string;
  /** Set with `pulumi config set --secret`; read with getSecret, never echoed in errors. */
  secret?: true;
}

export const TARGETS = ['aws', 'gcp', 'onprem', 'edge'] as const;
export type Target = (typeof TARGETS)[number];

export const CONFIG_KEYS = {
  target: {
    type: 'string',
    default: 'edge',
    description:
      'Where to deploy: aws, gcp, onprem or edge. Each has its own object section (llm-deploy:onprem, ...).',
  },
  name: {
    type: 'string',
    default: 'llm',
    description: 'Service name: a DNS label naming the Deployment, Service and the other objects.',
  },
  namespace: {
    type: 'string',
    default: '',
    description: 'Kubernetes namespace to create; empty means the service name.',
  },
  model: {
    type: 'string',
    default: '',
    description:
      'Model to serve: a Hugging Face Hub id or a folder inside the image; empty serves the embedded tiny model.',
  },
  modelRevision: {
    type: 'string',
    default: '',
    description:
      'Hub revision (branch, tag or commit) of the model; empty means the default branch.',
  },
  servedModelName: {
    type: 'string',
    default: '',
    description: 'Model name the API reports; empty means the model id.',
  },
  dtype: {
    type: 'string',
    default: 'fp32',
    description: 'Weight precision: fp32, fp16, q8 or q4.',
  },
  gpusPerReplica: {
    type: 'integer',
    default: 0,
    description:
      'GPUs each replica requests (nvidia.com/gpu); 0 runs on CPU. Above 0 builds docker/Dockerfile.cuda.',
  },
  cpuRequest: {
    type: 'string',
    default: '1',
    description: 'CPU each replica requests (Kubernetes quantity: "2", "500m").',
  },
  cpuLimit: {
    type: 'string',
    default: '2',
    description: 'CPU limit of each replica; at least cpuRequest.',
  },
  memoryRequest: {
    type: 'string',
    default: '2Gi',
    description: 'Memory each replica requests (Kubernetes quantity: "8Gi").',
  },
  memoryLimit: {
    type: 'string',
    default: '4Gi',
    description: 'Memory limit of each replica; at least memoryRequest.',
  },
  shmSize: {
    type: 'string',
    default: '1Gi',
    description: 'Size of the in-memory /dev/shm volume.',
  },
  modelCache: {
    type: 'string',
    default: 'emptyDir',
    description: 'Model cache volume: emptyDir (per pod) or pvc (shared, ReadWriteMany).',
  },
  modelCacheSize: {
    type: 'string',
    default: '20Gi',
    description: 'Size of the model cache volume.',
  },
  storageClass: {
    type: 'string',
    default: '',
    description:
      "StorageClass of the model cache PVC; empty means the platform's or the cluster's default.",
  },
  modelLoadSeconds: {
    type: 'integer',
    default: 600,
    description:
      'Longest time a replica may take to download, load and warm up the model before it is restarted.',
  },
  shutdownGraceSeconds: {
    type: 'integer',
    default: 25,
    description:
      "The server's drain period on SIGTERM; the pod's termination grace is set above it.",
  },
  maxConcurrent: {
    type: 'integer',
    default: 0,
    description:
      "Generations a replica decodes at once (MAX_CONCURRENT); 0 keeps the server's default (8).",
  },
  logLevel: {
    type: 'string',
    default: 'info',
    description: 'Server log level: trace, debug, info, warn, error or fatal.',
  },
  minReplicas: {
    type: 'integer',
    default: 1,
    description:
      'Fewest replicas while the service is awake (scaleToZero goes below it when idle).',
  },
  maxReplicas: {
    type: 'integer',
    default: 3,
    description: 'Most replicas the autoscaler may run.',
  },
  autoscaler: {
    type: 'string',
    default: 'keda',
    description:
      'keda (on requests waiting, via Prometheus), hpa (on CPU) or none (minReplicas fixed).',
  },
  scaleToZero: {
    type: 'boolean',
    default: false,
    description:
      'Scale to zero when idle; the KEDA HTTP add-on holds requests while a pod starts. Needs autoscaler keda and a host.',
  },
  queuePerReplica: {
    type: 'integer',
    default: 4,
    description: 'KEDA target: requests waiting per replica before another replica is added.',
  },
  cpuTargetPercent: {
    type: 'integer',
    default: 70,
    description: 'HPA target CPU utilisation (autoscaler hpa).',
  },
  scaleDownDelaySeconds: {
    type: 'integer',
    default: 300,
    description: 'Quiet time before the autoscaler removes a replica (or scales to zero).',
  },
  prometheusUrl: {
    type: 'string',
    default: 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090',
    description: 'Prometheus that KEDA queries for the requests-waiting metric.',
  },
  host: {
    type: 'string',
    default: '',
    description:
      'Public host name of the endpoint (an Ingress with TLS); empty keeps the service cluster-internal.',
  },
  ingressClass: { type: 'string', default: 'nginx', description: 'IngressClass of the Ingress.' },
  tlsSecretName: {
    type: 'string',
    default: '',
    description:
      'Existing TLS Secret for the host; empty issues a certificate through cert-manager (tlsIssuer).',
  },
  tlsIssuer: {
    type: 'string',
    default: 'letsencrypt',
    description:
      'cert-manager ClusterIssuer that issues the certificate; created by the add-ons when addonCertManager is on.',
  },
  acmeEmail: {
    type: 'string',
    default: '',
    description: 'ACME account e-mail of the ClusterIssuer; required when the add-ons create it.',
  },
  acmeServer: {
    type: 'string',
    default: 'https://acme-v02.api.letsencrypt.org/directory',
    description: "ACME directory URL (Let's Encrypt staging for tests).",
  },
  maxBodySize: {
    type: 'string',
    default: '10m',
    description: 'Largest request body the Ingress accepts (nginx size: "10m", "512k").',
  },
  requestTimeoutSeconds: {
    type: 'integer',
    default: 600,
    description: 'Ingress read and send timeout: the longest silent gap in a streamed response.',
  },
  ingressControllerNamespace: {
    type: 'string',
    default: 'ingress-nginx',
    description:
      "Namespace of the ingress controller: the only one (with Prometheus's) whose pods may reach the service.",
  },
  prometheusNamespace: {
    type: 'string',
    default: 'monitoring',
    description: 'Namespace of Prometheus, allowed to scrape the metrics port.',
  },
  serviceMonitor: {
    type: 'boolean',
    default: false,
    description:
      'Create a prometheus-operator ServiceMonitor for the metrics port; on by default with addonPrometheus.',
  },
  corsOrigins: {
    type: 'string',
    default: '',
    description:
      'Comma-separated origins (https://app.example.com) whose browser pages may call the API, or *; empty allows none.',
  },
  allowAnonymous: {
    type: 'boolean',
    default: false,
    description: 'Allow a public endpoint without API keys (the server then answers anyone).',
  },
  image: {
    type: 'string',
    default: '',
    description:
      'Prebuilt image pinned by digest (registry/repo@sha256:...); empty builds docker/ and pushes it.',
  },
  addonGpu: {
    type: 'string',
    default: 'devicePlugin',
    description:
      'GPU add-on: devicePlugin (NVIDIA device plugin), gpuOperator (NVIDIA GPU Operator) or none.',
  },
  addonIngressNginx: { type: 'boolean', default: true, description: 'Install ingress-nginx.' },
  addonCertManager: {
    type: 'boolean',
    default: true,
    description: 'Install cert-manager and the tlsIssuer ClusterIssuer.',
  },
  addonKeda: {
    type: 'boolean',
    default: true,
    description: 'Install KEDA (and its HTTP add-on when scaleToZero is on).',
  },
  addonPrometheus: {
    type: 'boolean',
    default: false,
    description:
      'Install kube-prometheus-stack in prometheusNamespace, with the llm-deploy Grafana dashboard and alert rules.',
  },
  ttftSloMilliseconds: {
    type: 'integer',
    default: 2000,
    description:
      'Time-to-first-token SLO (ms, queueing included): the LlmTimeToFirstTokenSlow alert fires when p95 stays above it for 10 minutes.',
  },
  hfToken: {
    type: 'string',
    secret: true,
    description: 'Hugging Face Hub token for gated or private models.',
  },
  apiKeys: {
    type: 'string',
    secret: true,
    description: 'Comma-separated API keys clients send as Bearer tokens; several allow rotation.',
  },
  webhookSecret: {
    type: 'string',
    secret: true,
    description:
      'whsec_<base64 key> that signs Cog/Replicate webhooks (WEBHOOK_SECRET); unset, each replica makes its own at start.',
  },
  registryPassword: {
    type: 'string',
    secret: true,
    description:
      'Password or token of the registry the image is pushed to (onprem), or pulled from (edge with llm-deploy:image).',
  },
  kubeconfig: {
    type: 'string',
    secret: true,
    description: 'Kubeconfig content (onprem), instead of onprem.kubeconfigPath.',
  },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof CONFIG_KEYS;

/** Object-valued keys, one per target; validated by their own section parser. */
export const SECTION_KEYS: Record<Target, string> = {
  aws: 'aws',
  gcp: 'gcp',
  onprem: 'onprem',
  edge: 'edge',
};

export const CONFIG_NAMESPACE = 'llm-deploy';
