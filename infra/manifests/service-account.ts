import type { IServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { serviceNames } from '../lib/naming';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/** The pods' identity; it has no API access, so its token is not mounted. */
export function toServiceAccount(spec: InferenceSpec): IServiceAccount & { metadata: ObjectMeta } {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: objectMeta(spec, serviceNames(spec.service.name).workload),
    automountServiceAccountToken: false,
  };
}
