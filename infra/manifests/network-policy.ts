import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import type { INetworkPolicyPeer } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicyPeer';
import { selectorLabels } from '../lib/labels';
import { serviceNames } from '../lib/naming';
import { HTTP_PORT, KEDA_NAMESPACE, METRICS_PORT } from './constants';
import { objectMeta } from './meta';
import type { InferenceSpec, ObjectMeta } from './types';

const fromNamespace = (namespace: string): INetworkPolicyPeer => ({
  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': namespace } },
});

/**
 * Only the ingress controller (and, with scale to zero, the KEDA HTTP interceptor) may reach the
 * API port, and only Prometheus the metrics port. Everything else in the cluster is denied.
 */
export function toNetworkPolicy(spec: InferenceSpec): INetworkPolicy & { metadata: ObjectMeta } {
  const { service } = spec;
  const apiClients = [fromNamespace(service.ingressControllerNamespace)];
  if (service.scaling.scaleToZero) {
    apiClients.push({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': KEDA_NAMESPACE } },
      podSelector: { matchLabels: { 'app.kubernetes.io/component': 'interceptor' } },
    });
  }
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: objectMeta(spec, serviceNames(service.name).workload),
    spec: {
      podSelector: { matchLabels: selectorLabels(service.name) },
      policyTypes: ['Ingress'],
      ingress: [
        { from: apiClients, ports: [{ protocol: 'TCP', port: HTTP_PORT }] },
        {
          from: [fromNamespace(service.prometheusNamespace)],
          ports: [{ protocol: 'TCP', port: METRICS_PORT }],
        },
      ],
    },
  };
}
