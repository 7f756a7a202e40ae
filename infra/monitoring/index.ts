/**
 * The Grafana dashboard and the alert rules, read from the files beside this one: those files are
 * what users with their own Prometheus and Grafana import, and what the stack provisions.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parse } from 'yaml';
import type { AlertThresholds } from '../model';

export type { AlertThresholds } from '../model';

export const DASHBOARD_FILE = path.join(__dirname, 'grafana-dashboard.json');
export const RULES_FILE = path.join(__dirname, 'llm-deploy.rules.yaml');

export interface DashboardTarget {
  expr: string;
  legendFormat?: string;
  refId: string;
}

export interface DashboardPanel {
  type: string;
  title: string;
  targets?: DashboardTarget[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  panels: DashboardPanel[];
  templating: { list: { name: string; definition?: string; query: unknown }[] };
}

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface RuleGroup {
  name: string;
  rules: AlertRule[];
}

export function grafanaDashboard(): GrafanaDashboard {
  return JSON.parse(fs.readFileSync(DASHBOARD_FILE, 'utf8')) as GrafanaDashboard;
}

/** The rules file's text, as shipped (default thresholds). */
export function rulesFileText(): string {
  return fs.readFileSync(RULES_FILE, 'utf8');
}

/** Each configurable alert ends its expression with `> <threshold>`. */
const TRAILING_THRESHOLD = />\s*[0-9.]+\s*$/;

function withThreshold(rule: AlertRule, value: number): AlertRule {
  if (!TRAILING_THRESHOLD.test(rule.expr))
    throw new Error(`alert ${rule.alert} in ${RULES_FILE} must end its expr with "> <number>"`);
  return { ...rule, expr: rule.expr.replace(TRAILING_THRESHOLD, `> ${value}`) };
}

/** The rules file's groups with the configurable thresholds set from the stack's settings. */
export function alertRuleGroups(thresholds: AlertThresholds): RuleGroup[] {
  const document = parse(rulesFileText()) as { groups: RuleGroup[] };
  const configured: Record<string, number> = {
    LlmTimeToFirstTokenSlow: thresholds.ttftSloSeconds,
    LlmQueueSaturating: 2 * thresholds.queuePerReplica,
  };
  const seen = new Set<string>();
  const groups = document.groups.map((group) => ({
    ...group,
    rules: group.rules.map((rule) => {
      const value = configured[rule.alert];
      if (value === undefined) return rule;
      seen.add(rule.alert);
      return withThreshold(rule, value);
    }),
  }));
  const missing = Object.keys(configured).filter((name) => !seen.has(name));
  if (missing.length > 0) throw new Error(`${RULES_FILE} lacks alert ${missing.join(', ')}`);
  return groups;
}
