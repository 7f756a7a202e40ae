import type { IServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';
import { selectorLabels } from '../lib/labels';
import { serviceNames } from '../lib/naming';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

/** Tells a prometheus-operator Prometheus to scrape the metrics port. */
export function toServiceMonitor(spec: InferenceSpec): IServiceMonitor & { metadata: ObjectMeta } {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: objectMeta(spec, serviceNames(spec.service.name).workload),
    spec: {
      selector: { matchLabels: selectorLabels(spec.service.name) },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '15s' }],
    },
  };
}
