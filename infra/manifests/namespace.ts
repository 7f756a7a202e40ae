import type { INamespace } from 'kubernetes-models/v1/Namespace';
import { commonLabels } from '../lib/labels';
import type { InferenceSpec } from './types';

/** The service's namespace, enforcing the restricted Pod Security Standard. */
export function toNamespace(spec: InferenceSpec): INamespace & { metadata: { name: string } } {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: spec.service.namespace,
      labels: {
        ...commonLabels(spec.service.name, spec.managedBy),
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}
