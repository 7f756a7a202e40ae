import type { IPrometheusRule } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/PrometheusRule';
import type { IConfigMap } from 'kubernetes-models/v1/ConfigMap';
import type { AddonSettings } from '../model';
import { APP_NAME } from '../lib/labels';
import { alertRuleGroups, grafanaDashboard } from '../monitoring';
import type { KubeObject, ObjectMeta } from './types';

/** Release name of the kube-prometheus-stack add-on: its Prometheus selects rules by it. */
const PROMETHEUS_RELEASE = 'kube-prometheus-stack';

export type MonitoringSettings = Pick<
  AddonSettings,
  'prometheus' | 'prometheusNamespace' | 'alerts'
>;

const meta = (
  settings: MonitoringSettings,
  name: string,
  labels: Record<string, string>,
): ObjectMeta => ({
  name,
  namespace: settings.prometheusNamespace,
  labels: { 'app.kubernetes.io/part-of': APP_NAME, ...labels },
});

/** The dashboard as a ConfigMap that the Grafana sidecar of kube-prometheus-stack loads. */
export function toDashboardConfigMap(
  settings: MonitoringSettings,
): IConfigMap & { metadata: ObjectMeta } {
  const dashboard = grafanaDashboard();
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: meta(settings, `${APP_NAME}-dashboard`, { grafana_dashboard: '1' }),
    data: { [`${dashboard.uid}.json`]: JSON.stringify(dashboard, null, 2) },
  };
}

/** The alert rules as a PrometheusRule, with the thresholds from config. */
export function toPrometheusRule(
  settings: MonitoringSettings,
): IPrometheusRule & { metadata: ObjectMeta } {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: meta(settings, `${APP_NAME}-alerts`, { release: PROMETHEUS_RELEASE }),
    spec: { groups: alertRuleGroups(settings.alerts) },
  };
}

/**
 * What the Prometheus add-on gets besides its chart: the dashboard and the alerts. They cover every
 * llm-deploy service Prometheus scrapes (the dashboard has namespace and service variables), so
 * one set per cluster, in the monitoring namespace. The ClusterAddons component and render share
 * this list.
 */
export function planMonitoringObjects(settings: MonitoringSettings): KubeObject[] {
  if (!settings.prometheus) return [];
  return [toDashboardConfigMap(settings), toPrometheusRule(settings)];
}
