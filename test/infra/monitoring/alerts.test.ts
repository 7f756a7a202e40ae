/**
 * The alert rules under `promtool test rules` (Debian's prometheus package): the shipped rules
 * file against alerts.promtool.yaml, and the rules with thresholds from a stack's config.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { toPrometheusRule } from '../../../infra/manifests';
import { RULES_FILE } from '../../../infra/monitoring';
import { requirePrometheusTool } from '../../helpers/prometheus';
import { tempDir } from '../../helpers/temp-dir';

function promtool(args: string[], cwd?: string): string {
  requirePrometheusTool('promtool');
  const run = spawnSync('promtool', args, { encoding: 'utf8', cwd });
  const output = `${run.stdout}${run.stderr}`;
  if (run.status !== 0) throw new Error(`promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

test('the rules file is valid and names five alerts', () => {
  expect(promtool(['check', 'rules', RULES_FILE])).toMatch(/SUCCESS: 5 rules found/);
});

test('each alert fires on its case and stays quiet on the others (alerts.promtool.yaml)', () => {
  expect(promtool(['test', 'rules', 'alerts.promtool.yaml'], __dirname)).toMatch(/SUCCESS/);
});

/** First tokens all in (low, high] seconds, ten a minute, for half an hour. */
const ttftBuckets = (service: string, low: string, high: string) =>
  [low, high, '+Inf'].map((le, i) => ({
    series: `llm_time_to_first_token_seconds_bucket{namespace="llm", service="${service}", le="${le}"}`,
    values: i === 0 ? '0x30' : '0+10x30',
  }));
const waiting = (service: string, pod: string, count: number) => ({
  series: `llm_requests_waiting{namespace="llm", service="${service}", pod="${pod}"}`,
  values: `${count}x30`,
});

test('thresholds from config move the TTFT and queue alerts of the PrometheusRule', () => {
  const dir = tempDir('alerts');
  // The rules of the PrometheusRule a stack with ttftSloMilliseconds 500, queuePerReplica 2 gets.
  const { groups } = toPrometheusRule({
    prometheus: true,
    prometheusNamespace: 'monitoring',
    alerts: { ttftSloSeconds: 0.5, queuePerReplica: 2 },
  }).spec!;
  const alertsAt = (alertname: string, labels: Record<string, string>[]) =>
    ['8m', '16m'].map((eval_time, i) => ({
      eval_time,
      alertname,
      exp_alerts: i === 0 ? [] : labels.map((l) => ({ exp_labels: { ...l, namespace: 'llm' } })),
    }));
  const tests = {
    rule_files: ['rules.yaml'],
    evaluation_interval: '1m',
    tests: [
      {
        // p95 0.98 s: quiet under the default SLO of 2 s (alerts.promtool.yaml), over 0.5 s here;
        // p95 0.24 s stays under it.
        interval: '1m',
        input_series: [...ttftBuckets('fast', '0.5', '1'), ...ttftBuckets('faster', '0.1', '0.25')],
        alert_rule_test: alertsAt('LlmTimeToFirstTokenSlow', [
          { severity: 'warning', service: 'fast' },
        ]),
      },
      {
        // queuePerReplica 2 -> fires above 4 waiting per replica: 4.5 does, 3 does not.
        interval: '1m',
        input_series: [
          waiting('busy', 'a', 5),
          waiting('busy', 'b', 4),
          waiting('calm', 'c', 3),
          waiting('calm', 'd', 3),
        ],
        alert_rule_test: alertsAt('LlmQueueSaturating', [{ severity: 'warning', service: 'busy' }]),
      },
    ],
  };
  // Annotations are checked in alerts.promtool.yaml; here only which alerts fire.
  for (const group of groups!) for (const rule of group.rules ?? []) delete rule.annotations;
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  writeFileSync(join(dir, 'configured.test.yaml'), stringify(tests));
  expect(promtool(['test', 'rules', 'configured.test.yaml'], dir)).toMatch(/SUCCESS/);
});
