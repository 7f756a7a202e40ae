import type { GpuScheduling, OnPremSettings } from '../../model';

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** GPU scheduling facts of an on-prem cluster, from config; plain so render can use them. */
export function onPremGpuScheduling(settings: OnPremSettings): GpuScheduling {
  return {
    resourceName: GPU_RESOURCE,
    nodeSelector: settings.gpuNodeLabels,
    taints: settings.gpuTaints,
  };
}
