/**
 * Helm charts of the cluster add-ons, pinned: an upgrade is a reviewed change of this file, never
 * a surprise on the next `pulumi up`.
 */
export interface ChartPin {
  chart: string;
  version: string;
  repo: string;
  /** Release name and namespace are fixed, so other objects can name the services they create. */
  release: string;
  namespace: string;
}

export const CHARTS = {
  nvidiaDevicePlugin: {
    chart: 'nvidia-device-plugin',
    version: '0.17.1',
    repo: 'https://nvidia.github.io/k8s-device-plugin',
    release: 'nvidia-device-plugin',
    namespace: 'nvidia-device-plugin',
  },
  gpuOperator: {
    chart: 'gpu-operator',
    version: 'v25.3.0',
    repo: 'https://helm.ngc.nvidia.com/nvidia',
    release: 'gpu-operator',
    namespace: 'gpu-operator',
  },
  ingressNginx: {
    chart: 'ingress-nginx',
    version: '4.12.1',
    repo: 'https://kubernetes.github.io/ingress-nginx',
    release: 'ingress-nginx',
    namespace: 'ingress-nginx',
  },
  certManager: {
    chart: 'cert-manager',
    version: 'v1.17.2',
    repo: 'https://charts.jetstack.io',
    release: 'cert-manager',
    namespace: 'cert-manager',
  },
  keda: {
    chart: 'keda',
    version: '2.17.0',
    repo: 'https://kedacore.github.io/charts',
    release: 'keda',
    namespace: 'keda',
  },
  kedaHttpAddon: {
    chart: 'keda-add-ons-http',
    version: '0.10.0',
    repo: 'https://kedacore.github.io/charts',
    release: 'keda-add-ons-http',
    namespace: 'keda',
  },
  kubePrometheusStack: {
    chart: 'kube-prometheus-stack',
    version: '70.4.2',
    repo: 'https://prometheus-community.github.io/helm-charts',
    release: 'kube-prometheus-stack',
    namespace: 'monitoring',
  },
} as const satisfies Record<string, ChartPin>;
