export { OnPremCluster, type OnPremClusterArgs } from './cluster';
export {
  DEFAULT_GPU_NODE_LABELS,
  DEFAULT_GPU_TAINTS,
  GPU_RESOURCE,
  onPremGpuScheduling,
} from './scheduling';
