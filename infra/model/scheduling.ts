export type TaintEffect = 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';

export interface GpuTaint {
  key: string;
  value?: string;
  effect: TaintEffect;
}

/** How GPU pods find GPU nodes on a cluster: what they request, select and tolerate. */
export interface GpuScheduling {
  /** Extended resource a GPU pod requests, e.g. `nvidia.com/gpu`. */
  resourceName: string;
  /** Labels a GPU pod's node must carry. */
  nodeSelector: Record<string, string>;
  /** Taints GPU nodes carry; GPU pods get matching tolerations, CPU pods none. */
  taints: GpuTaint[];
}
