/**
 * The Grafana dashboard's structure: what Grafana needs to lay it out and what keeps each panel
 * about the one service the variables pick. (prometheus.test.ts runs its queries.)
 */
import { Metrics, type LiveCounts } from '../../../inference/src/api/metrics/metrics';
import { grafanaDashboard } from '../../../infra/monitoring';

type Panel = {
  id: number;
  type: string;
  title: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
};

const dashboard = grafanaDashboard();
const panels = dashboard.panels as unknown as Panel[];
const graphs = panels.filter((p) => p.type !== 'row');
const queries = graphs.flatMap((p) => p.targets!.map((t) => ({ panel: p.title, ...t })));

test('panels have unique ids, fit the 24-column grid and do not overlap', () => {
  expect(new Set(panels.map((p) => p.id)).size).toBe(panels.length);
  for (const { gridPos: g, title } of panels) {
    expect({ title, fits: g.x >= 0 && g.w > 0 && g.x + g.w <= 24 && g.h > 0 }).toEqual({
      title,
      fits: true,
    });
  }
  const overlaps = (a: Panel['gridPos'], b: Panel['gridPos']) =>
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
  const clashes = panels.flatMap((a, i) =>
    panels
      .slice(i + 1)
      .filter((b) => overlaps(a.gridPos, b.gridPos))
      .map((b) => `${a.title} / ${b.title}`),
  );
  expect(clashes).toEqual([]);
});

test('every query reads the chosen data source and only the chosen service', () => {
  for (const q of queries) {
    expect({ panel: q.panel, uid: q.datasource?.uid }).toEqual({
      panel: q.panel,
      uid: '${datasource}',
    });
    const scoped =
      /namespace="\$namespace"/.test(q.expr) &&
      /(service|deployment)="\$service"|pod=~"\$service-|horizontalpodautoscaler=~/.test(q.expr);
    expect({ panel: q.panel, expr: q.expr, scoped }).toEqual({
      panel: q.panel,
      expr: q.expr,
      scoped: true,
    });
  }
  // rate() windows follow Grafana's $__rate_interval (at least four scrapes), bar the 1h restarts.
  const windows = queries.flatMap((q) => [...q.expr.matchAll(/\[([^\]]+)\]/g)].map((m) => m[1]));
  expect(new Set(windows)).toEqual(new Set(['$__rate_interval', '1h']));
});

test('every metric the server exports has a panel', () => {
  const zero = new Proxy({}, { get: () => () => 0 }) as LiveCounts;
  const exported = new Metrics(zero).registry.getMetricsAsArray().map((m) => m.name);
  const shown = queries.map((q) => q.expr).join('\n');
  expect(exported.filter((name) => !shown.includes(name))).toEqual([]);
  expect(exported.length).toBeGreaterThanOrEqual(13);
});
