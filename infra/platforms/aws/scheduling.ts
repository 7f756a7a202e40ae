import { poolGpuScheduling } from '../node-pools';
import type { GpuScheduling } from '../../model';

/** GPU pods select the GPU node group's pool label and tolerate its taint. */
export function awsGpuScheduling(): GpuScheduling {
  return poolGpuScheduling();
}
