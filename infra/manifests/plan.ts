import { toHorizontalPodAutoscaler, toHttpScaledObject, toScaledObject } from './autoscaling';
import { toDeployment } from './deployment';
import { toIngress } from './ingress';
import { toNamespace } from './namespace';
import { toNetworkPolicy } from './network-policy';
import { toInterceptorService, toService } from './service';
import { toServiceAccount } from './service-account';
import { toServiceMonitor } from './service-monitor';
import { toPodDisruptionBudget } from './pod-disruption-budget';
import { toCachePvc } from './storage';
import type { InferenceSpec, KubeObject } from './types';

/**
 * Every object of an InferenceService except its Secret (which holds secret values, so Pulumi
 * creates it from Outputs and render leaves it out), in apply order. The Pulumi component and the
 * render script both use this list, so what is deployed and what is rendered cannot drift.
 */
export function planInferenceObjects(spec: InferenceSpec): KubeObject[] {
  const { service } = spec;
  const objects: (KubeObject | undefined)[] = [
    toNamespace(spec),
    toServiceAccount(spec),
    service.cache.kind === 'pvc' ? toCachePvc(spec) : undefined,
    toDeployment(spec),
    toService(spec),
    service.scaling.scaleToZero ? toInterceptorService(spec) : undefined,
    toPodDisruptionBudget(spec),
    service.scaling.autoscaler === 'keda' ? toScaledObject(spec) : undefined,
    service.scaling.scaleToZero ? toHttpScaledObject(spec) : undefined,
    service.scaling.autoscaler === 'hpa' ? toHorizontalPodAutoscaler(spec) : undefined,
    toIngress(spec),
    toNetworkPolicy(spec),
    service.serviceMonitor ? toServiceMonitor(spec) : undefined,
  ];
  return objects.filter((o): o is KubeObject => o !== undefined);
}
