import type { GpuScheduling, GpuTaint, OnPremSettings } from '../../model';

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** Labels NVIDIA's GPU feature discovery puts on GPU nodes, and the taint clusters commonly use. */
export const DEFAULT_GPU_NODE_LABELS = { 'nvidia.com/gpu.present': 'true' };
export const DEFAULT_GPU_TAINTS: GpuTaint[] = [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }];

/** GPU scheduling facts of an on-prem cluster, from config; plain so render can use them. */
export function onPremGpuScheduling(
  settings: Pick<OnPremSettings, 'gpuNodeLabels' | 'gpuTaints'>,
): GpuScheduling {
  return {
    resourceName: GPU_RESOURCE,
    nodeSelector: settings.gpuNodeLabels,
    taints: settings.gpuTaints,
  };
}
