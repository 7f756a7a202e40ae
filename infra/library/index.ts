/**
 * llm-deploy as a Pulumi component library (`import { LlmEndpoint } from 'llm-deploy'`): an LLM
 * endpoint on any Kubernetes cluster, and an existing cluster reached through a kubeconfig.
 * Cloud clusters are in `llm-deploy/aws` and `llm-deploy/gcp`, a Docker host in `llm-deploy/edge`,
 * so a program installs only the Pulumi providers it uses. Importing deploys nothing.
 */
export { LlmEndpoint, ENDPOINT_DEFAULTS } from '../components/llm-endpoint';
export type {
  EndpointAddonsArgs,
  EndpointIngressArgs,
  EndpointModelArgs,
  EndpointModelCacheArgs,
  EndpointMonitoringArgs,
  EndpointResourcesArgs,
  EndpointScalingArgs,
  EndpointSecretsArgs,
  EndpointServerArgs,
  EndpointTlsArgs,
  LlmEndpointArgs,
  LogLevel,
} from '../components/llm-endpoint';
export {
  DEFAULT_GPU_NODE_LABELS,
  DEFAULT_GPU_TAINTS,
  OnPremCluster,
  type OnPremClusterArgs,
} from '../platforms/onprem';
export type { ClusterPlatform, RegistryTarget } from '../platforms/types';
export { PlatformArgsError, type ArgProblem } from '../model/arg-problems';
export type { Autoscaler, Dtype, GpuAddon, GpuScheduling, GpuTaint, TaintEffect } from '../model';
