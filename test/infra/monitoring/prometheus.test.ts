/**
 * A real Prometheus (Debian's package) scrapes the real server under a small load: the KEDA
 * ScaledObject's query returns the number of requests waiting, and every query of the Grafana
 * dashboard parses and returns a series.
 */
import type { Server } from 'node:http';
import { parseStackConfig, projectKeys } from '../../../infra/config/parse';
import {
  toDeployment,
  toScaledObject,
  toService,
  toServiceMonitor,
  type InferenceSpec,
} from '../../../infra/manifests';
import { grafanaDashboard } from '../../../infra/monitoring';
import { onPremGpuScheduling } from '../../../infra/platforms/onprem';
import type { RunningServer } from '../../../inference/src/server';
import { serveKubeStateFixture } from '../../helpers/kube-state-metrics-fixture';
import { startPrometheus, type TestPrometheus } from '../../helpers/prometheus';
import { startTestServer } from '../../helpers/server';
import { exampleStackConfig } from '../../helpers/stacks';

/** Metrics another change (continuous batching) adds; their panels wait for them, nothing else. */
const PENDING_METRICS = ['llm_batch_size', 'llm_kv_cache_usage_ratio', 'llm_preemptions_total'];
const WAITING = 3;

const config = parseStackConfig(
  projectKeys(exampleStackConfig('onprem-cpu', ['apiKeys', 'registryPassword']).config),
  'render',
);
const spec: InferenceSpec = {
  service: config.service,
  image: `registry.example.com/llm-deploy@sha256:${'a'.repeat(64)}`,
  gpu: onPremGpuScheduling(config.onprem!),
  pullSecret: true,
  managedBy: 'gitops',
};
const namespace = spec.service.namespace;
const service = toService(spec).metadata.name;
const deployment = toDeployment(spec);
const pod = `${deployment.metadata.name}-6d5f9c7b8-x2x4z`;
const container = deployment.spec!.template.spec!.containers[0].name;

let server: RunningServer;
let kubeState: Server;
let prometheus: TestPrometheus;
let exported: Set<string>;
const started = performance.now();

/**
 * What prometheus-operator generates for the ServiceMonitor's endpoint, with a static target in
 * place of Kubernetes service discovery: the operator relabels each endpoint's meta labels into
 * namespace, service, pod, container and endpoint, and names the job after the Service. The
 * queries filter on those labels, so the test Prometheus adds the same ones. The interval is 1s
 * instead of the ServiceMonitor's, to keep the test short.
 */
function serviceMonitorScrape(target: string) {
  const monitor = toServiceMonitor(spec);
  const endpoint = monitor.spec!.endpoints![0];
  const set = (label: string, value: string) => ({
    target_label: label,
    replacement: value,
    action: 'replace',
  });
  return {
    job_name: `serviceMonitor/${monitor.metadata.namespace}/${monitor.metadata.name}/0`,
    metrics_path: endpoint.path,
    static_configs: [{ targets: [target] }],
    relabel_configs: [
      set('namespace', monitor.metadata.namespace!),
      set('service', service),
      set('pod', pod),
      set('container', container),
      set('endpoint', endpoint.port!),
      set('job', service),
    ],
  };
}

const post = (path: string, body: object) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  server = await startTestServer({ MAX_CONCURRENT: '1', MAX_QUEUE: '64' });
  const fixture = await serveKubeStateFixture({
    namespace,
    deployment: deployment.metadata.name,
    pod,
    container,
    replicas: 1,
  });
  kubeState = fixture.server;
  prometheus = await startPrometheus([
    serviceMonitorScrape(new URL(server.metricsUrl).host),
    // kube-prometheus-stack scrapes kube-state-metrics with honorLabels, keeping its namespace.
    {
      job_name: 'kube-state-metrics',
      honor_labels: true,
      static_configs: [{ targets: [fixture.target] }],
    },
  ]);
  const text = await (await fetch(`${server.metricsUrl}/metrics`)).text();
  exported = new Set([...text.matchAll(/^# TYPE (\S+)/gm)].map((m) => m[1]));
}, 90_000);

afterAll(async () => {
  await prometheus?.stop();
  await new Promise((resolve) => kubeState?.close(resolve));
  await server?.close();
  console.log(`Prometheus test: ${((performance.now() - started) / 1000).toFixed(1)} s`);
});

async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000) {
  const deadline = Date.now() + ms;
  let last = await read();
  while (!ok(last)) {
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 250));
    last = await read();
  }
  return last;
}

const scalar = async (expr: string) => {
  const [sample] = await prometheus.query(expr);
  return sample ? Number(sample.value[1]) : undefined;
};

/** Cog async predictions: admitted at once, they run or wait, and can be cancelled by id. */
const startPrediction = (id: string, tokens: number) =>
  fetch(`${server.url}/predictions/${id}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', prefer: 'respond-async' },
    body: JSON.stringify({ input: { prompt: 'Tell a long story', max_new_tokens: tokens } }),
  });
const cancelPrediction = (id: string) =>
  fetch(`${server.url}/predictions/${id}/cancel`, { method: 'POST' });

/** The queue the test built is still there: the first generation (500 tokens) has not ended. */
function queueHeld(when: string): void {
  const { waiting, running } = server.lifecycle.scheduler!;
  if (waiting !== WAITING || running !== 1)
    throw new Error(
      `${when}: ${running} running and ${waiting} waiting, not 1 and ${WAITING}; the first generation ended too soon for a 1 s scrape`,
    );
}

/** A little of everything the dashboard shows: successes, a client error, finished generations. */
async function smallLoad(): Promise<void> {
  const chat = { model: 'tiny', messages: [{ role: 'user', content: 'Hello' }], max_tokens: 4 };
  for (let i = 0; i < 3; i++) expect((await post('/v1/chat/completions', chat)).status).toBe(200);
  expect(
    (await post('/v1/completions', { model: 'tiny', prompt: 'Hi', max_tokens: 3 })).status,
  ).toBe(200);
  expect((await post('/v1/chat/completions', { ...chat, max_tokens: -1 })).status).toBe(400);
}

/** The dashboard's queries with Grafana's variables as a user of this stack would pick them. */
function dashboardQueries(): { panel: string; expr: string }[] {
  const panels = grafanaDashboard().panels.filter((p) => p.targets);
  return panels.flatMap((p) =>
    p.targets!.map((t) => ({
      panel: p.title,
      expr: t.expr
        .replaceAll('$namespace', namespace)
        .replaceAll('$service', service)
        .replaceAll('$__rate_interval', '1m'),
    })),
  );
}

test('the KEDA query, and every dashboard query, against Prometheus scraping the real server', async () => {
  await until(
    'both targets up',
    () => prometheus.query('up == 1'),
    (r) => r.length === 2,
  );
  const kedaQuery = toScaledObject(spec).spec!.triggers[0].metadata.query as string;
  expect(
    await until(
      'a first KEDA sample',
      () => scalar(kedaQuery),
      (v) => v !== undefined,
    ),
  ).toBe(0);

  await smallLoad();
  // rate() needs two samples of a series: the 400s' series is born with this load.
  await until(
    'two scrapes after the load',
    () => scalar('count_over_time(llm_requests_total{status="400"}[1m])'),
    (v) => (v ?? 0) >= 2,
  );
  const ids = Array.from({ length: WAITING + 1 }, (_, i) => `keda-${i}`);
  try {
    // One slot (MAX_CONCURRENT=1): the first runs a long generation, the others wait behind it.
    for (const id of ids) expect((await startPrediction(id, 500)).status).toBe(202);
    queueHeld('once the predictions are admitted');
    const value = await until(
      'the KEDA query to see the queue',
      () => scalar(kedaQuery),
      (v) => v === WAITING,
    );
    // Still true after Prometheus saw it: the value was read while the queue held.
    queueHeld('after Prometheus answered');
    console.log(`KEDA query ${kedaQuery} = ${value}; requests waiting: ${WAITING}`);

    const queries = dashboardQueries();
    const results = await Promise.all(
      queries.map(async ({ panel, expr }) => ({
        panel,
        expr,
        series: (await prometheus.query(expr)).length,
      })),
    );
    const pending = (expr: string) =>
      PENDING_METRICS.some((m) => expr.includes(m) && !exported.has(m));
    const empty = results.filter((r) => r.series === 0 && !pending(r.expr));
    const waited = results.filter((r) => r.series === 0 && pending(r.expr));
    console.log(
      `dashboard: ${queries.length} queries; ${results.filter((r) => r.series > 0).length} returned series; ` +
        `${waited.length} wait for metrics not exported yet (${PENDING_METRICS.filter((m) => !exported.has(m)).join(', ') || 'none'})`,
    );
    expect(empty).toEqual([]);
  } finally {
    for (const id of ids.reverse()) await cancelPrediction(id);
  }
}, 90_000);

test("the dashboard's namespace and service variables list the scraped service", async () => {
  expect(await prometheus.labelValues('namespace', 'llm_build_info')).toEqual([namespace]);
  expect(
    await prometheus.labelValues('service', `llm_build_info{namespace="${namespace}"}`),
  ).toEqual([service]);
  const variables = grafanaDashboard().templating.list.map((v) => v.definition ?? v.query);
  expect(variables).toEqual([
    'prometheus',
    'label_values(llm_build_info, namespace)',
    'label_values(llm_build_info{namespace="$namespace"}, service)',
  ]);
});
