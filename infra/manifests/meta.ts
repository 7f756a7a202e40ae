import { commonLabels } from '../lib/labels';
import type { InferenceSpec, ObjectMeta } from './types';

/** Metadata of a namespaced object of the service: its name, namespace and common labels. */
export function objectMeta(
  spec: InferenceSpec,
  name: string,
  annotations?: Record<string, string>,
): ObjectMeta {
  return {
    name,
    namespace: spec.service.namespace,
    labels: commonLabels(spec.service.name, spec.managedBy),
    ...(annotations ? { annotations } : {}),
  };
}
