import type { AddonSettings, GpuScheduling } from '../../model';

/** Chart values, as plain functions so tests can read exactly what each release gets. */

const tolerationsFor = (gpu: GpuScheduling) =>
  gpu.taints.map((t) =>
    t.value === undefined
      ? { key: t.key, operator: 'Exists', effect: t.effect }
      : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect },
  );

/** The device plugin must run on tainted GPU nodes; GPU feature discovery labels those nodes. */
export function devicePluginValues(gpu: GpuScheduling) {
  return { tolerations: tolerationsFor(gpu), gfd: { enabled: true } };
}

export function gpuOperatorValues(gpu: GpuScheduling) {
  return { daemonsets: { tolerations: tolerationsFor(gpu) } };
}

export function ingressNginxValues(settings: AddonSettings, ingressClass: string) {
  return {
    controller: {
      ingressClass,
      ingressClassResource: { name: ingressClass, default: false },
      service: { type: settings.ingressServiceType },
      allowSnippetAnnotations: false,
      metrics: { enabled: true },
    },
  };
}

export function certManagerValues() {
  return { crds: { enabled: true } };
}

/** The interceptor holds a request for a cold replica as long as a model may take to load. */
export function kedaHttpAddonValues(settings: AddonSettings) {
  return {
    interceptor: {
      replicas: { waitTimeout: `${settings.interceptorWaitSeconds}s` },
      // A non-streamed completion sends its headers only once generation ends.
      responseHeaderTimeout: `${settings.interceptorResponseSeconds}s`,
    },
  };
}

/**
 * Pick up every ServiceMonitor, not only those labelled for this release; let kube-state-metrics
 * publish the part-of label of deployments and pods, by which the alert rules tell llm-deploy's
 * workloads from the rest.
 */
export function kubePrometheusStackValues() {
  return {
    prometheus: {
      prometheusSpec: {
        serviceMonitorSelectorNilUsesHelmValues: false,
        podMonitorSelectorNilUsesHelmValues: false,
      },
    },
    'kube-state-metrics': {
      metricLabelsAllowlist: [
        'deployments=[app.kubernetes.io/part-of]',
        'pods=[app.kubernetes.io/part-of]',
      ],
    },
  };
}

/** cert-manager ClusterIssuer for ACME with HTTP-01 through the ingress class. */
export function toClusterIssuer(
  issuer: NonNullable<AddonSettings['clusterIssuer']>,
  ingressClass: string,
) {
  return {
    apiVersion: 'cert-manager.io/v1',
    kind: 'ClusterIssuer',
    metadata: { name: issuer.name, labels: { 'app.kubernetes.io/part-of': 'llm-deploy' } },
    spec: {
      acme: {
        server: issuer.server,
        email: issuer.email,
        privateKeySecretRef: { name: `${issuer.name}-account-key` },
        solvers: [{ http01: { ingress: { ingressClassName: ingressClass } } }],
      },
    },
  };
}
