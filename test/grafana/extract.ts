/**
 * Finds every query in the generated Grafana files, and turns a query into plain PromQL/TraceQL by
 * substituting Grafana's variables. Shared by the Grafana tests and by end-to-end tests that run each query
 * against a real Prometheus and Tempo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers.js';

export type QueryLanguage = 'promql' | 'traceql' | 'traceql-metrics' | 'trace-id';

export interface FoundQuery {
  /** e.g. `dashboards/llm-latency.json › Time to first chunk › B` */
  where: string;
  language: QueryLanguage;
  query: string;
  datasource: { type?: string; uid?: string } | undefined;
}

interface Target {
  refId?: string;
  expr?: string;
  query?: string;
  queryType?: string;
  datasource?: { type?: string; uid?: string };
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { type?: string; uid?: string };
  targets?: Target[];
  panels?: Panel[];
}

const METRICS_FUNCTION =
  /\|\s*(rate|count_over_time|sum_over_time|min_over_time|max_over_time|avg_over_time|quantile_over_time|histogram_over_time|compare)\s*\(/;

function tempoLanguage(t: Target): QueryLanguage {
  if (t.queryType === 'traceId') return 'trace-id';
  return METRICS_FUNCTION.test(t.query ?? '') ? 'traceql-metrics' : 'traceql';
}

export const grafanaDir = join(repoRoot, 'grafana');

/** The dashboards in grafana/dashboards/, by file name. */
export function readDashboards(): Record<string, { uid: string; panels: Panel[]; templating?: unknown }> {
  const dir = join(grafanaDir, 'dashboards');
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]),
  );
}

export function readYaml(relativePath: string): unknown {
  return parse(readFileSync(join(grafanaDir, relativePath), 'utf8'));
}

function* panelsOf(panels: Panel[]): Generator<Panel> {
  for (const p of panels) {
    yield p;
    if (p.panels) yield* panelsOf(p.panels);
  }
}

/** Every dashboard target (Prometheus `expr`, Tempo `query`). */
export function dashboardQueries(): FoundQuery[] {
  const found: FoundQuery[] = [];
  for (const [file, d] of Object.entries(readDashboards())) {
    for (const panel of panelsOf(d.panels)) {
      for (const t of panel.targets ?? []) {
        const where = `dashboards/${file} › ${panel.title} › ${t.refId}`;
        if (t.expr !== undefined)
          found.push({ where, language: 'promql', query: t.expr, datasource: t.datasource });
        else if (t.query !== undefined)
          found.push({ where, language: tempoLanguage(t), query: t.query, datasource: t.datasource });
      }
    }
  }
  return found;
}

interface AlertFile {
  groups: { rules: { title: string; data: { refId: string; datasourceUid: string; model: Target }[] }[] }[];
}

/** Every Prometheus query of the provisioned alert rules (expressions excluded). */
export function alertQueries(): FoundQuery[] {
  const file = readYaml('provisioning/alerting/rules.yaml') as AlertFile;
  return file.groups.flatMap((g) =>
    g.rules.flatMap((r) =>
      r.data
        .filter((d) => d.model.expr !== undefined)
        .map((d) => ({
          where: `alerting/rules.yaml › ${r.title} › ${d.refId}`,
          language: 'promql' as const,
          query: d.model.expr!,
          datasource: { uid: d.datasourceUid, ...d.model.datasource },
        })),
    ),
  );
}

export interface Substitutions {
  runId: string;
  traceId?: string;
  /** `$__rate_interval` and `$__interval` (default 1m). */
  interval?: string;
  /** `$__range` (default 1h). */
  range?: string;
}

/** Replaces the dashboard and Grafana variables the queries use with plain values. */
export function substitute(query: string, s: Substitutions): string {
  const vars: Record<string, string> = {
    run_id: s.runId,
    trace_id: s.traceId ?? '',
    __rate_interval: s.interval ?? '1m',
    __interval: s.interval ?? '1m',
    __range: s.range ?? '1h',
  };
  return query.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced: string, bare: string) => {
    const name = braced ?? bare;
    return vars[name] ?? whole;
  });
}
