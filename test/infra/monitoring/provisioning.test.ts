/**
 * With its Prometheus add-on, a stack provisions the repository's dashboard (a ConfigMap for the
 * Grafana sidecar) and alert rules (a PrometheusRule with thresholds from config), in `pulumi up`
 * and in render alike; without it, neither.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse, stringify } from 'yaml';
import { DASHBOARD_FILE, RULES_FILE } from '../../../infra/monitoring';
import { renderStack } from '../../../infra/render/render';
import { allSchemaErrors } from '../../helpers/kube-schema';
import { kubeObjects, runProgram } from '../../helpers/pulumi-program';
import { exampleStackConfig, exampleStackFile } from '../../helpers/stacks';
import { tempDir } from '../../helpers/temp-dir';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IMAGE = `registry.example.com/llm-deploy@sha256:${'d'.repeat(64)}`;

async function monitoringObjects(stack: string, overrides: Record<string, string> = {}) {
  const { config, secretKeys } = exampleStackConfig(stack, [
    'apiKeys',
    'hfToken',
    'registryPassword',
  ]);
  const run = await runProgram({ stack, config: { ...config, ...overrides }, secretKeys });
  expect(run.error).toBeUndefined();
  const objects = kubeObjects(run).map((o) => o.object as Obj);
  expect(allSchemaErrors(objects)).toEqual([]);
  return {
    dashboard: objects.find((o) => o.metadata?.labels?.grafana_dashboard === '1'),
    rule: objects.find((o) => o.metadata?.name === 'llm-deploy-alerts'),
  };
}

const ttftExpr = (rule: Obj) =>
  rule.spec.groups[0].rules.find((r: Obj) => r.alert === 'LlmTimeToFirstTokenSlow').expr as string;

test('the add-on stack gets the dashboard file for the Grafana sidecar, in the monitoring namespace', async () => {
  const { dashboard, rule } = await monitoringObjects('onprem');
  expect(dashboard!.metadata).toMatchObject({
    name: 'llm-deploy-dashboard',
    namespace: 'monitoring',
  });
  expect(JSON.parse(dashboard!.data['llm-deploy-inference.json'])).toEqual(
    JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')),
  );
  // The chart's Prometheus selects rules by its release label.
  expect(rule!.metadata.labels.release).toBe('kube-prometheus-stack');
  const shipped = parse(fs.readFileSync(RULES_FILE, 'utf8'));
  expect(rule!.spec.groups.map((g: Obj) => g.rules.map((r: Obj) => r.alert))).toEqual(
    shipped.groups.map((g: Obj) => g.rules.map((r: Obj) => r.alert)),
  );
  expect(ttftExpr(rule!)).toMatch(/\) > 2$/);
});

test('llm-deploy:ttftSloMilliseconds and queuePerReplica set the alert thresholds', async () => {
  const { rule } = await monitoringObjects('onprem', {
    'llm-deploy:ttftSloMilliseconds': '750',
    'llm-deploy:queuePerReplica': '3',
  });
  expect(ttftExpr(rule!)).toMatch(/\) > 0\.75$/);
  const queue = rule!.spec.groups[0].rules.find((r: Obj) => r.alert === 'LlmQueueSaturating');
  expect(queue.expr).toMatch(/> 6$/);
});

test('without the add-on, neither is created', async () => {
  expect(await monitoringObjects('onprem', { 'llm-deploy:addonPrometheus': 'false' })).toEqual({
    dashboard: undefined,
    rule: undefined,
  });
});

test('render writes them exactly when the stack would create them', () => {
  const kinds = (example: string) => {
    const document = parse(fs.readFileSync(exampleStackFile(example), 'utf8'));
    for (const key of ['apiKeys', 'hfToken', 'registryPassword'])
      document.config[`llm-deploy:${key}`] = { secure: `v1:ciphertext-of-${key}` };
    const file = path.join(tempDir('render'), `Pulumi.${example}.yaml`);
    fs.writeFileSync(file, stringify(document));
    return [...renderStack({ stackFile: file, image: IMAGE }).keys()].filter((f) =>
      /configmap|prometheusrule/.test(f),
    );
  };
  expect(kinds('onprem')).toEqual([
    expect.stringMatching(/^\d\d-configmap-llm-deploy-dashboard\.yaml$/),
    expect.stringMatching(/^\d\d-prometheusrule-llm-deploy-alerts\.yaml$/),
  ]);
  expect(kinds('onprem-internal')).toEqual([]); // no Prometheus add-on
});
