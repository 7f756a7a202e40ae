export { OnPremCluster, type OnPremClusterArgs } from './cluster';
export { GPU_RESOURCE, onPremGpuScheduling } from './scheduling';
