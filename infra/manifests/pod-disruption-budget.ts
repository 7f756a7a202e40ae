import type { IPodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { selectorLabels } from '../lib/labels';
import { serviceNames } from '../lib/naming';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/**
 * maxUnavailable 1 rather than minAvailable 1: with a single replica, minAvailable would block
 * every node drain forever.
 */
export function toPodDisruptionBudget(
  spec: InferenceSpec,
): IPodDisruptionBudget & { metadata: ObjectMeta } {
  return {
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: objectMeta(spec, serviceNames(spec.service.name).workload),
    spec: { maxUnavailable: 1, selector: { matchLabels: selectorLabels(spec.service.name) } },
  };
}
