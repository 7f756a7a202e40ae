import { poolGpuScheduling } from '../node-pools';
import type { GpuScheduling } from '../../model';

/** GPU pods select the pool label and GKE's accelerator label, and tolerate the GPU taint. */
export function gcpGpuScheduling(acceleratorType: string): GpuScheduling {
  return poolGpuScheduling({ 'cloud.google.com/gke-accelerator': acceleratorType });
}
