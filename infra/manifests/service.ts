import type { IService } from 'kubernetes-models/v1/Service';
import { selectorLabels } from '../lib/labels';
import { serviceNames } from '../lib/naming';
import {
  HTTP_PORT,
  KEDA_INTERCEPTOR_PORT,
  KEDA_INTERCEPTOR_PROXY,
  METRICS_PORT,
} from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

type Service = IService & { metadata: ObjectMeta };

/** The pods' ClusterIP Service; ports target the container's named ports. */
export function toService(spec: InferenceSpec): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(spec, serviceNames(spec.service.name).workload),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(spec.service.name),
      ports: [
        { name: 'http', port: HTTP_PORT, targetPort: 'http', protocol: 'TCP' },
        { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics', protocol: 'TCP' },
      ],
    },
  };
}

/**
 * With scale to zero, the Ingress sends traffic to the KEDA HTTP interceptor, which holds it while
 * a pod starts. An Ingress can only name Services in its own namespace, hence this ExternalName.
 */
export function toInterceptorService(spec: InferenceSpec): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: objectMeta(spec, serviceNames(spec.service.name).interceptorService),
    spec: {
      type: 'ExternalName',
      externalName: KEDA_INTERCEPTOR_PROXY,
      ports: [{ name: 'http', port: KEDA_INTERCEPTOR_PORT, protocol: 'TCP' }],
    },
  };
}
