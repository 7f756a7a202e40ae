// The public args of LlmEndpoint. What decides which Kubernetes objects exist, and their shape
// (GPUs or not, which autoscaler, an Ingress or not, the cache kind), is a plain value known when
// the program runs; the values inside those objects may be `pulumi.Input`s.
import type * as k8s from '@pulumi/kubernetes';
import type * as pulumi from '@pulumi/pulumi';
import type {
  Autoscaler,
  Dtype,
  Engine,
  GpuAddon,
  GpuScheduling,
  LOG_LEVELS,
  Runtime,
  VllmDtype,
} from '../../model';
import type { RegistryTarget } from '../../platforms/types';

export type LogLevel = (typeof LOG_LEVELS)[number];

/** The model the endpoint serves. */
export interface EndpointModelArgs {
  /**
   * Hugging Face Hub id (e.g. `onnx-community/Qwen2.5-0.5B-Instruct`) or a folder inside the image.
   * @default the image's embedded model
   */
  id?: pulumi.Input<string>;
  /** Hub revision: a branch, tag or commit. @default the repository's default branch */
  revision?: pulumi.Input<string>;
  /** Model name the API reports (OpenAI's `model` field). @default the model id */
  servedName?: pulumi.Input<string>;
  /** Weight precision: `fp32`, `fp16`, `q8` or `q4`. @default 'fp32' */
  dtype?: pulumi.Input<Dtype>;
  /** The server's engine: `onnx` or `llamacpp` (GGUF). @default chosen by what the model holds */
  engine?: Engine;
  /** Which `.gguf` file of a GGUF repository or folder (llamacpp). @default see `quant` */
  ggufFile?: string;
  /** The GGUF file with this quantization label, e.g. `Q4_K_M` (llamacpp). @default the only one */
  quant?: string;
}

/** vLLM beside the server (runtime `vllm`): its image and the `vllm serve` flags set here. */
export interface EndpointVllmArgs {
  /** vllm/vllm-openai (or a mirror) pinned by digest: `name@sha256:<64 hex digits>`. */
  image: string;
  /** vLLM's `--dtype`. @default 'auto' */
  dtype?: VllmDtype;
  /** `--max-model-len`. @default vLLM's: the model's context */
  maxModelLen?: number;
  /** `--gpu-memory-utilization`, in (0, 1]. @default vLLM's */
  gpuMemoryUtilization?: number;
  /** `--quantization`. @default none */
  quantization?: string;
  /** More `vllm serve` flags, after ours. @default [] */
  extraArgs?: string[];
}

/** What each replica requests and may use (Kubernetes quantities). */
export interface EndpointResourcesArgs {
  /**
   * GPUs each replica requests (the platform's GPU resource, `nvidia.com/gpu`); 0 runs on CPU.
   * It decides the pods' shape (CUDA device, GPU node selection and tolerations, the GPU add-on),
   * so it is a plain number.
   * @default 0
   */
  gpus?: number;
  /** CPU each replica requests, e.g. `"2"` or `"500m"`. @default '1' */
  cpuRequest?: pulumi.Input<string>;
  /** CPU limit; at least `cpuRequest`. @default '2' */
  cpuLimit?: pulumi.Input<string>;
  /** Memory each replica requests, e.g. `"8Gi"`. @default '2Gi' */
  memoryRequest?: pulumi.Input<string>;
  /** Memory limit; at least `memoryRequest`. @default '4Gi' */
  memoryLimit?: pulumi.Input<string>;
  /** Size of the in-memory `/dev/shm` volume. @default '1Gi' */
  shmSize?: pulumi.Input<string>;
}

/** Where downloaded weights are kept. */
export interface EndpointModelCacheArgs {
  /** `emptyDir`: one cache per pod; `pvc`: one ReadWriteMany claim all replicas share. @default 'emptyDir' */
  kind?: 'emptyDir' | 'pvc';
  /** Size of the cache volume. @default '20Gi' */
  size?: pulumi.Input<string>;
  /** StorageClass of the claim (`kind: 'pvc'`). @default the cluster's default class */
  storageClass?: pulumi.Input<string>;
}

/** How many replicas run, and what adds or removes one. */
export interface EndpointScalingArgs {
  /**
   * `keda` scales on requests waiting (KEDA reads the server's `llm_requests_waiting` from
   * Prometheus), `hpa` on CPU, `none` runs `minReplicas`.
   * @default 'keda'
   */
  autoscaler?: Autoscaler;
  /** Fewest replicas while awake. @default 1 */
  minReplicas?: pulumi.Input<number>;
  /** Most replicas the autoscaler may run. @default 3 */
  maxReplicas?: pulumi.Input<number>;
  /**
   * Scale to zero when idle; the KEDA HTTP add-on holds requests while a replica starts. Needs
   * `autoscaler: 'keda'` and `ingress`.
   * @default false
   */
  scaleToZero?: boolean;
  /** KEDA's target: requests waiting per replica before another is added. @default 4 */
  queuePerReplica?: pulumi.Input<number>;
  /** The HPA's target CPU utilisation (`autoscaler: 'hpa'`). @default 70 */
  cpuTargetPercent?: pulumi.Input<number>;
  /** Quiet time before a replica is removed (or the service scaled to zero). @default 300 */
  scaleDownDelaySeconds?: pulumi.Input<number>;
  /**
   * The Prometheus KEDA queries (`autoscaler: 'keda'`). With the default, KEDA needs a
   * ServiceMonitor (`monitoring.serviceMonitor` or `addons.prometheus`) to find the pods; give
   * your own Prometheus that scrapes them otherwise.
   * @default 'http://kube-prometheus-stack-prometheus.monitoring.svc:9090'
   */
  prometheusUrl?: pulumi.Input<string>;
}

/** TLS for the host: a certificate from a cert-manager ClusterIssuer, or an existing Secret. */
export type EndpointTlsArgs = { issuer: string } | { secretName: pulumi.Input<string> };

/** A public HTTPS entry: an Ingress for one host. */
export interface EndpointIngressArgs {
  /** Public host name, e.g. `llm.example.com` (no scheme, no path). */
  host: pulumi.Input<string>;
  /** IngressClass of the Ingress (and the class `addons` installs ingress-nginx under). @default 'nginx' */
  className?: string;
  /** @default { issuer: 'letsencrypt' } */
  tls?: EndpointTlsArgs;
  /** Largest request body, as an nginx size (`"10m"`, `"512k"`). @default '10m' */
  maxBodySize?: pulumi.Input<string>;
  /** Read and send timeout: the longest silent gap in a streamed response. @default 600 */
  requestTimeoutSeconds?: number;
}

/** Credentials, each stored in a Kubernetes Secret and kept a Pulumi secret. */
export interface EndpointSecretsArgs {
  /** Hub token for gated or private models; the pods read it through a `secretKeyRef`. @default none */
  hfToken?: pulumi.Input<string>;
  /**
   * API keys clients send as `Authorization: Bearer <key>`; several allow rotation. Mounted as a
   * file (`API_KEYS_FILE`), never in the environment.
   * @default none: the server answers anyone
   */
  apiKeys?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * `whsec_<base64 key>` that signs Cog and Replicate webhooks (`WEBHOOK_SECRET`).
   * @default none: each replica makes its own at start
   */
  webhookSecret?: pulumi.Input<string>;
}

/** The server's own limits and timings. */
export interface EndpointServerArgs {
  /**
   * Longest time a replica may take to download, load and warm up the model before it is
   * restarted; sizes the startup probe (and the KEDA HTTP add-on's wait for a cold replica).
   * @default 600
   */
  modelLoadSeconds?: number;
  /** The server's drain period on SIGTERM; the pod's termination grace is set above it. @default 25 */
  shutdownGraceSeconds?: number;
  /** Generations a replica runs at once (`MAX_CONCURRENT`); 0 keeps the server's default. @default 0 */
  maxConcurrent?: pulumi.Input<number>;
  /** @default 'info' */
  logLevel?: pulumi.Input<LogLevel>;
  /**
   * Origins (`https://app.example.com`) whose browser pages may call the API, or `*` for any.
   * @default [] (none)
   */
  corsOrigins?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Metrics: who may scrape them, and whether a ServiceMonitor is created. */
export interface EndpointMonitoringArgs {
  /** Namespace of Prometheus, whose pods may reach the metrics port. @default 'monitoring' */
  prometheusNamespace?: string;
  /**
   * Create a prometheus-operator ServiceMonitor (the CRD must exist); KEDA's Prometheus finds
   * the pods through it.
   * @default true with `addons.prometheus`, else false
   */
  serviceMonitor?: boolean;
}

/**
 * The cluster-wide pieces the endpoint relies on, as pinned Helm releases. Install them once per
 * cluster: on one endpoint, not on every one.
 */
export interface EndpointAddonsArgs {
  /** GPU add-on, installed only when `resources.gpus` > 0. @default 'devicePlugin' */
  gpu?: GpuAddon;
  /** ingress-nginx. @default true */
  ingressNginx?: boolean;
  /** IngressClass ingress-nginx is installed under. @default `ingress.className`, else 'nginx' */
  ingressClass?: string;
  /** Service type of ingress-nginx. @default 'LoadBalancer' */
  ingressServiceType?: 'LoadBalancer' | 'NodePort';
  /** cert-manager, and the ClusterIssuer `ingress.tls.issuer` names. @default true */
  certManager?: boolean;
  /** ACME account e-mail of that ClusterIssuer; required when cert-manager creates it. @default none */
  acmeEmail?: string;
  /** ACME directory. @default 'https://acme-v02.api.letsencrypt.org/directory' */
  acmeServer?: string;
  /** KEDA, and its HTTP add-on when `scaling.scaleToZero`. @default true */
  keda?: boolean;
  /**
   * kube-prometheus-stack in `monitoring.prometheusNamespace`, with the llm-deploy Grafana
   * dashboard and alert rules (one set per cluster: they cover every endpoint it scrapes).
   * @default false
   */
  prometheus?: boolean;
  /**
   * Time-to-first-token SLO of those alerts (ms, queueing included): `LlmTimeToFirstTokenSlow`
   * fires when p95 stays above it for 10 minutes. The queue alert fires at twice
   * `scaling.queuePerReplica`.
   * @default 2000
   */
  ttftSloMilliseconds?: number;
}

/** Args of `LlmEndpoint`. The resource's name names the Kubernetes objects (a DNS label). */
export interface LlmEndpointArgs {
  /** The cluster to deploy to. */
  provider: k8s.Provider;
  /** Server image, pinned by digest (`repo@sha256:...`): a new digest rolls the Deployment and nothing else. */
  image: pulumi.Input<string>;
  /** Namespace to create for the endpoint's objects. @default the resource's name */
  namespace?: string;
  /** @default the image's embedded model, fp32 */
  model?: EndpointModelArgs;
  /**
   * Who generates: `onnx`, the server's own engine; `vllm`, vLLM in each pod on its GPUs with the
   * server as its gateway (`model.id` a Hub id, `resources.gpus` >= 1). It decides the pods'
   * containers, so it is a plain value.
   * @default 'onnx'
   */
  runtime?: Runtime;
  /** Required with `runtime: 'vllm'`. */
  vllm?: EndpointVllmArgs;
  /** @default CPU only: 1 CPU and 2Gi requested, 2 CPU and 4Gi limits */
  resources?: EndpointResourcesArgs;
  /**
   * How GPU pods find GPU nodes (what `AwsPlatform`, `GcpPlatform` and `OnPremCluster` hand over as
   * `platform.gpu`); used only when `resources.gpus` > 0.
   * @default { resourceName: 'nvidia.com/gpu', nodeSelector: {}, taints: [] }
   */
  gpu?: GpuScheduling;
  /** @default one emptyDir of 20Gi per pod */
  modelCache?: EndpointModelCacheArgs;
  /** @default KEDA on requests waiting, 1 to 3 replicas */
  scaling?: EndpointScalingArgs;
  /** A public HTTPS host. @default none: the endpoint stays cluster-internal */
  ingress?: EndpointIngressArgs;
  /** Allow a public endpoint (`ingress`) without `secrets.apiKeys`. @default false */
  allowAnonymous?: boolean;
  /** @default none */
  secrets?: EndpointSecretsArgs;
  /** A registry the pods pull from with an imagePullSecret made from these credentials. @default none: nodes pull on their own */
  imagePullCredentials?: RegistryTarget;
  /** @default 600 s to load, 25 s to drain, the server's concurrency, log level info */
  server?: EndpointServerArgs;
  /**
   * The only namespace (with Prometheus's) whose pods may reach the API port: where the ingress
   * controller runs.
   * @default 'ingress-nginx'
   */
  ingressControllerNamespace?: string;
  /** @default Prometheus in `monitoring` may scrape; no ServiceMonitor */
  monitoring?: EndpointMonitoringArgs;
  /** Install the cluster add-ons the endpoint needs. @default none: the cluster already runs them */
  addons?: EndpointAddonsArgs;
}
