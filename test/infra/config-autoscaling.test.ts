import { formatProblem, StackConfigError } from '../../infra/config/errors';
import { parseStackConfig } from '../../infra/config/parse';

/** KEDA without a metric source would never scale: config refuses it, naming the fix. */
const CLUSTER: Record<string, unknown> = {
  target: 'onprem',
  apiKeys: 'k1',
  registryPassword: 'pw',
  onprem: {
    kubeconfigPath: '/kube/config',
    registry: { server: 'reg.local:5000', username: 'ci' },
  },
};

function problemsOf(config: Record<string, unknown>): string[] {
  try {
    parseStackConfig({ ...CLUSTER, ...config });
    return [];
  } catch (error) {
    if (!(error instanceof StackConfigError)) throw error;
    return error.problems.map(formatProblem);
  }
}

test('KEDA (the default autoscaler) with nothing scraping the pods is refused, with the fix', () => {
  expect(problemsOf({})).toEqual([
    expect.stringMatching(
      /^llm-deploy:autoscaler = "keda": .*nothing makes a Prometheus scrape the pods.*never scale.*addonPrometheus true.*serviceMonitor true.*prometheusUrl.*autoscaler hpa/,
    ),
  ]);
  // The add-on's Prometheus selects ServiceMonitors: switching the one off leaves it blind.
  expect(problemsOf({ addonPrometheus: true, serviceMonitor: false })).toHaveLength(1);
  expect(
    problemsOf({ scaleToZero: true, host: 'llm.example.com', tlsSecretName: 't' }),
  ).toHaveLength(1);
});

test.each([
  ['the Prometheus add-on (its ServiceMonitor comes with it)', { addonPrometheus: true }],
  ["a ServiceMonitor for the cluster's own prometheus-operator", { serviceMonitor: true }],
  ["a Prometheus of the user's own", { prometheusUrl: 'http://prometheus.observability.svc:9090' }],
  ['an HPA on CPU instead', { autoscaler: 'hpa' }],
  ['no autoscaler', { autoscaler: 'none' }],
])('accepted: %s', (_name, config) => {
  expect(problemsOf(config)).toEqual([]);
});

test('the add-on turns the ServiceMonitor on unless told otherwise', () => {
  expect(parseStackConfig({ ...CLUSTER, addonPrometheus: true }).service.serviceMonitor).toBe(true);
  expect(parseStackConfig({ ...CLUSTER, autoscaler: 'hpa' }).service.serviceMonitor).toBe(false);
});

test('an edge stack has no KEDA to feed', () => {
  expect(() => parseStackConfig({ target: 'edge' })).not.toThrow();
});
