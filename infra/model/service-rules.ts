// The rules of an endpoint's workload (names, resources, scaling), written once for the stack
// config and LlmEndpoint; service-fields.ts says how each names the fields.
import { isDnsLabel, MAX_SERVICE_NAME_LENGTH } from '../lib/naming';
import { parseQuantity } from '../lib/quantity';
import { serviceProblem as problem, type FieldNames, type ServiceProblem } from './service-fields';
import type { ScalingSettings } from './settings';

export function nameProblems(name: string, n: FieldNames): ServiceProblem[] {
  if (isDnsLabel(name, MAX_SERVICE_NAME_LENGTH)) return [];
  return [
    problem(
      n,
      'name',
      name,
      `is not a DNS label of at most ${MAX_SERVICE_NAME_LENGTH} characters`,
      'use lower-case letters, digits and "-", starting with a letter, e.g. "llm-prod"',
    ),
  ];
}

export function namespaceProblems(namespace: string, name: string, n: FieldNames) {
  if (namespace === name || isDnsLabel(namespace)) return [];
  return [
    problem(
      n,
      'namespace',
      namespace,
      'is not a valid namespace name (a DNS label)',
      'use lower-case letters, digits and "-", starting with a letter',
    ),
  ];
}

/** A request above its limit; both must already be quantities. */
export function requestWithinLimitProblems(
  request: { field: 'cpuRequest' | 'memoryRequest'; value: string },
  limit: { field: 'cpuLimit' | 'memoryLimit'; value: string },
  n: FieldNames,
): ServiceProblem[] {
  if (!(parseQuantity(request.value)! > parseQuantity(limit.value)!)) return [];
  return [
    problem(
      n,
      request.field,
      request.value,
      `exceeds ${n.full(limit.field)} (${limit.value}); Kubernetes rejects a request above its limit`,
      `lower ${n.short(request.field)} or raise ${n.short(limit.field)}`,
      [limit.field],
    ),
  ];
}

export function scalingProblems(
  scaling: ScalingSettings,
  hasHost: boolean,
  n: FieldNames,
): ServiceProblem[] {
  const problems: ServiceProblem[] = [];
  if (scaling.minReplicas > scaling.maxReplicas) {
    problems.push(
      problem(
        n,
        'minReplicas',
        scaling.minReplicas,
        `exceeds ${n.full('maxReplicas')} (${scaling.maxReplicas})`,
        `lower ${n.short('minReplicas')} or raise ${n.short('maxReplicas')}`,
        ['maxReplicas'],
      ),
    );
  }
  if (scaling.scaleToZero && scaling.autoscaler !== 'keda') {
    problems.push(
      problem(
        n,
        'scaleToZero',
        true,
        `needs ${n.full('autoscaler')} keda (it is ${scaling.autoscaler}); an HPA cannot scale to zero`,
        `set ${n.short('autoscaler')} to keda, or ${n.short('scaleToZero')} to false`,
        ['autoscaler'],
      ),
    );
  }
  if (scaling.scaleToZero && !hasHost) {
    problems.push(
      problem(
        n,
        'scaleToZero',
        true,
        `needs ${n.full('host')}: the KEDA HTTP add-on routes and holds requests by host name`,
        `set ${n.short('host')}, or ${n.short('scaleToZero')} to false`,
        ['host'],
      ),
    );
  }
  if (scaling.autoscaler === 'keda' && !/^https?:\/\/[^\s/]+/.test(scaling.prometheusUrl)) {
    problems.push(
      problem(
        n,
        'prometheusUrl',
        scaling.prometheusUrl,
        'is not an http(s) URL; KEDA reads the requests-waiting metric from it',
        'use the in-cluster URL, e.g. http://prometheus.monitoring.svc:9090',
        ['autoscaler'],
      ),
    );
  }
  return problems;
}

/**
 * KEDA scales on llm_requests_waiting, read from Prometheus: without a Prometheus that scrapes
 * the pods it has no metric and the service never scales, silently. A ServiceMonitor (for the
 * add-on's kube-prometheus-stack, or a prometheus-operator the cluster runs) or a prometheusUrl
 * of the user's own choosing is a metric source; the default URL alone is not.
 */
export function kedaMetricSourceProblems(
  source: { scaling: ScalingSettings; serviceMonitor: boolean; prometheusUrlSet: boolean },
  n: FieldNames,
): ServiceProblem[] {
  const { scaling, serviceMonitor, prometheusUrlSet } = source;
  if (scaling.autoscaler !== 'keda' || serviceMonitor || prometheusUrlSet) return [];
  return [
    problem(
      n,
      'autoscaler',
      'keda',
      `scales on llm_requests_waiting, which KEDA reads from Prometheus at ${scaling.prometheusUrl}, but nothing makes a Prometheus scrape the pods (${n.short('serviceMonitor')} is false, ${n.short('prometheusUrl')} is the default), so it would never scale`,
      `set ${n.full('addonPrometheus')} true (installs kube-prometheus-stack and, with it, the ServiceMonitor), or ${n.short('serviceMonitor')} true for a prometheus-operator the cluster runs, or ${n.short('prometheusUrl')} to your own Prometheus that scrapes the pods (prometheus.io/* annotations), or ${n.short('autoscaler')} hpa`,
      ['serviceMonitor', 'prometheusUrl'],
    ),
  ];
}
