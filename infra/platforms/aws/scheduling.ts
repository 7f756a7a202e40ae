import { poolGpuScheduling } from '../node-pools';
import type { GpuScheduling } from '../types';

/** GPU pods select the GPU node group's pool label and tolerate its taint. */
export function awsGpuScheduling(): GpuScheduling {
  return poolGpuScheduling();
}
