import { summarize, type CostEstimate, type ReplicaBounds } from '../lib/pricing';
import { awsCostEstimate } from '../platforms/aws/cost';
import type { AwsPlatformArgs } from '../platforms/aws/args';
import { edgeCostEstimate } from '../components/edge-service/cost';
import { gcpCostEstimate } from '../platforms/gcp/cost';
import type { GcpPlatformArgs } from '../platforms/gcp/args';
import type { Target } from './schema';
import type { AddonSettings, ServiceSettings } from '../model';

/** Replicas the workload runs at its lowest (idle, or zero when it scales to zero) and highest. */
export function replicaBounds(service: ServiceSettings): ReplicaBounds {
  const { scaling } = service;
  const min = scaling.scaleToZero ? 0 : scaling.minReplicas;
  const max = scaling.autoscaler === 'none' ? scaling.minReplicas : scaling.maxReplicas;
  return { min, max, gpusPerReplica: service.resources.gpus };
}

export interface CostInputs {
  target: Target;
  service: ServiceSettings;
  addons: AddonSettings;
  aws?: AwsPlatformArgs;
  gcp?: GcpPlatformArgs;
}

/** The stack's estimated cost from the dated pricing table; throws PricingError when it cannot. */
export function stackCost(inputs: CostInputs): CostEstimate {
  const replicas = replicaBounds(inputs.service);
  const loadBalancers =
    inputs.addons.ingressNginx && inputs.addons.ingressServiceType === 'LoadBalancer' ? 1 : 0;
  switch (inputs.target) {
    case 'aws':
      return awsCostEstimate(inputs.aws!, replicas, { loadBalancers });
    case 'gcp':
      return gcpCostEstimate(inputs.gcp!, replicas, { loadBalancers });
    case 'edge':
      return edgeCostEstimate();
    case 'onprem':
      return summarize({
        lines: [],
        pricedRegion: 'none',
        sources: [],
        assumptions: ['runs on a Kubernetes cluster you operate: no cloud charges are estimated'],
      });
  }
}
