import type { IPersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { serviceNames } from '../lib/naming';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/** A model cache shared by all replicas, so a new pod skips the download. */
export function toCachePvc(spec: InferenceSpec): IPersistentVolumeClaim & { metadata: ObjectMeta } {
  const storageClassName = spec.service.cache.storageClass ?? spec.storageClassName;
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: objectMeta(spec, serviceNames(spec.service.name).cachePvc),
    spec: {
      accessModes: ['ReadWriteMany'],
      resources: { requests: { storage: spec.service.cache.size } },
      ...(storageClassName ? { storageClassName } : {}),
    },
  };
}
