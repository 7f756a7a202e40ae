import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import type { AddonSettings, GpuScheduling } from '../../model';
import { planMonitoringObjects, type KubeObject } from '../../manifests';
import { CHARTS, type ChartPin } from './charts';
import * as values from './values';

export { CHARTS } from './charts';

export interface ClusterAddonsArgs {
  provider: k8s.Provider;
  settings: AddonSettings;
  gpu: GpuScheduling;
  /** Install a GPU add-on: the service requests GPUs and the platform does not provide one. */
  needsGpuPlugin: boolean;
  /** IngressClass the service's Ingress uses; ingress-nginx is installed under this name. */
  ingressClass: string;
  /** Namespace the ingress controller runs in (the service's NetworkPolicy admits it). */
  ingressNamespace: string;
}

/**
 * The cluster-wide pieces the InferenceService relies on, as pinned Helm releases. Each one can be
 * switched off for clusters that already run it.
 */
export class ClusterAddons extends pulumi.ComponentResource {
  /** Everything a workload must wait for (controllers, CRDs, the ClusterIssuer). */
  readonly ready: pulumi.Resource[] = [];

  constructor(name: string, args: ClusterAddonsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('llm-deploy:cluster-addons:ClusterAddons', name, {}, opts);
    const { settings } = args;
    const release = (
      pin: ChartPin,
      releaseValues: object,
      namespace: string = pin.namespace,
      dependsOn: pulumi.Resource[] = [],
    ) => {
      const created = new k8s.helm.v3.Release(
        `${name}-${pin.release}`,
        {
          name: pin.release,
          chart: pin.chart,
          version: pin.version,
          repositoryOpts: { repo: pin.repo },
          namespace,
          createNamespace: true,
          values: releaseValues,
          timeout: 900,
        },
        { parent: this, provider: args.provider, dependsOn },
      );
      this.ready.push(created);
      return created;
    };

    if (args.needsGpuPlugin && settings.gpu === 'devicePlugin')
      release(CHARTS.nvidiaDevicePlugin, values.devicePluginValues(args.gpu));
    if (args.needsGpuPlugin && settings.gpu === 'gpuOperator')
      release(CHARTS.gpuOperator, values.gpuOperatorValues(args.gpu));
    if (settings.ingressNginx)
      release(
        CHARTS.ingressNginx,
        values.ingressNginxValues(settings, args.ingressClass),
        args.ingressNamespace,
      );
    if (settings.prometheus) {
      const stack = release(
        CHARTS.kubePrometheusStack,
        values.kubePrometheusStackValues(),
        settings.prometheusNamespace,
      );
      // The dashboard's ConfigMap and the PrometheusRule (whose CRD the chart installs).
      for (const object of planMonitoringObjects(settings)) {
        const { apiVersion, kind, ...fields } = object as KubeObject & Record<string, unknown>;
        const opts = { parent: this, provider: args.provider, dependsOn: [stack] };
        const logicalName = `${name}-${object.metadata.name}`;
        if (kind === 'ConfigMap') new k8s.core.v1.ConfigMap(logicalName, fields, opts);
        else
          new k8s.apiextensions.CustomResource(logicalName, { apiVersion, kind, ...fields }, opts);
      }
    }
    if (settings.certManager) {
      const certManager = release(CHARTS.certManager, values.certManagerValues());
      if (settings.clusterIssuer) {
        const issuer = values.toClusterIssuer(settings.clusterIssuer, args.ingressClass);
        this.ready.push(
          new k8s.apiextensions.CustomResource(`${name}-cluster-issuer`, issuer, {
            parent: this,
            provider: args.provider,
            dependsOn: [certManager],
          }),
        );
      }
    }
    if (settings.keda) {
      const keda = release(CHARTS.keda, {});
      if (settings.kedaHttp)
        release(
          CHARTS.kedaHttpAddon,
          values.kedaHttpAddonValues(settings),
          CHARTS.kedaHttpAddon.namespace,
          [keda],
        );
    }
    this.registerOutputs({});
  }
}
