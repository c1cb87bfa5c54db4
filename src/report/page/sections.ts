/**
 * Browser code of the report page, part 2: the overview, attribution, slow-task, latency, load and cost
 * sections. Inlined by source text like common.ts: globals only, no imports at run time.
 */
import type { ReportData } from '../data.js';
import { chart, type Elem, el, fmt, fmtMs, fmtUsd, PALETTE, section, table } from './common.js';

/** Run overview: figures, terminations and errors, parameters. */
export function renderOverview(d: ReportData): void {
  const o = d.overview;
  const s = section('overview', 'Run overview', `Read from ${o.source}`);
  renderFigures(s, overviewFigures(d));
  const k = Object.keys(o.passHatK);
  if (k.length > 5) {
    const all = s.appendChild(el('details'));
    all.appendChild(el('summary', '', `pass^k for k = 1 … ${k.length}`));
    all.appendChild(
      table(
        ['k', 'pass^k'],
        k.map((n) => [n, fmt(o.passHatK[n], 4)]),
        'numbers',
      ),
    );
  }
  renderEndings(s, d);
  const details = s.appendChild(el('details'));
  details.appendChild(el('summary', '', `Parameters (from ${o.parametersFrom})`));
  details.appendChild(
    table(
      ['parameter', 'value'],
      o.parameters.map(([a, b]) => [a, b]),
      'params',
    ),
  );
}

/** The overview's headline figures, as (name, value) pairs. */
export function overviewFigures(d: ReportData): [string, string][] {
  const o = d.overview;
  const k = Object.keys(o.passHatK);
  const figures: [string, string][] = [
    ['run', o.runId || '–'],
    ['domains', o.domains.join(', ')],
    ['tasks', String(o.tasks)],
    ['trials', String(o.trials)],
    ['mean reward', fmt(o.meanReward, 4)],
    // k runs to the fewest trials of any task: a long run shows k ≤ 4 and the last here, all of them below.
    ...k
      .filter((n, j) => Number(n) <= 4 || j === k.length - 1)
      .map((n): [string, string] => [`pass^${n}`, fmt(o.passHatK[n], 4)]),
    ['failed trials (left out of rewards)', String(o.failedTrials)],
    ['wall time', `${fmt(o.wallS, 1)} s`],
    ['started', o.start.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')],
    ['throughput', `${fmt(o.trialsPerMinute, 1)} trials/min, ${fmt(o.llmCallsPerSecond, 1)} LLM calls/s`],
  ];
  if (o.unrewarded > 0) figures.push(['trials without a reward (left out)', String(o.unrewarded)]);
  return figures;
}

/** Figures as a grid of name/value boxes (each value tagged with its name for the browser test). */
export function renderFigures(s: Elem, figures: [string, string][]): void {
  const grid = s.appendChild(el('dl', 'figures'));
  for (const [name, value] of figures) {
    const box = grid.appendChild(el('div'));
    box.appendChild(el('dt', '', name));
    // Long values (a run id, throughput) get a smaller face rather than a break mid-word.
    box.appendChild(el('dd', value.length > 16 ? 'long' : '', value)).dataset.figure = name;
  }
}

/** How the trials ended, and the error text of each failed one. */
export function renderEndings(s: Elem, d: ReportData): void {
  const o = d.overview;
  s.appendChild(el('h3', '', 'Termination reasons'));
  s.appendChild(
    table(
      ['reason', 'trials'],
      o.terminations.map((t) => [t.reason, String(t.trials)]),
    ),
  );
  if (o.errors.length > 0) {
    s.appendChild(el('h3', '', 'Failed trials'));
    s.appendChild(
      table(
        ['trial', 'ending', 'error'],
        o.errors.map((e) => [e.key, e.termination, e.error]),
      ),
    );
  }
}

/** Where the time went: stacked bars of the run, per domain and per model, and their table. */
export function renderAttribution(d: ReportData): void {
  const s = section(
    'attribution',
    'Where the time went',
    'Each trial’s wall time cut along its critical path (the child a span waited for last takes any ' +
      'overlap); the parts of a trial sum to its wall time. Summed here over the run, per domain, and per ' +
      'LLM model (the model’s own calls only).',
  );
  const a = d.attribution;
  const groups = [a.run, ...a.byDomain.map((g) => ({ ...g, group: `domain ${g.group}` }))];
  const models = a.byModel.map((g) => ({ ...g, group: `model ${g.group}` }));
  const all = [...groups, ...models];
  const c = chart(s, 80 + 34 * all.length);
  const used = d.components.filter((_, i) => all.some((g) => g.parts[i]! > 0));
  c.setOption({
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (v: number) => fmtMs(v) },
    legend: { top: 0 },
    grid: { left: 220, right: 30, top: 40, bottom: 30 },
    xAxis: {
      type: 'value',
      name: 'total ms',
      axisLabel: { formatter: (v: number) => fmt(v / 1000, 0) + ' s' },
    },
    yAxis: { type: 'category', data: all.map((g) => g.group), inverse: true },
    series: used.map((comp) => ({
      name: comp.label,
      type: 'bar',
      stack: 'time',
      itemStyle: { color: PALETTE[comp.id] },
      data: all.map((g) => g.parts[d.components.indexOf(comp)]),
    })),
  });
  const head = ['group', 'trials', ...used.map((u) => u.label), 'total'];
  const rows = all.map((g) => {
    const parts = used.map((u) => g.parts[d.components.indexOf(u)]!);
    const total = g.parts.reduce((x, y) => x + y, 0);
    return [
      g.group,
      String(g.trials),
      ...parts.map((p) => (p > 0 ? `${fmt(p / 1000, 2)} s (${fmt((100 * p) / total, 1)}%)` : '–')),
      `${fmt(total / 1000, 2)} s`,
    ];
  });
  s.appendChild(table(head, rows, 'numbers')).id = 'attribution-table';
}

/** Slow trials by the robust rule, each with its cause; a row opens the trial's flame graph. */
export function renderSlow(d: ReportData, open: (i: number) => void): void {
  const r = d.slowRule;
  const s = section(
    'slow',
    'Slow trials',
    `Rule: a trial is slow when its wall time exceeds median + k × ${r.madScale} × MAD of its domain’s trials ` +
      `(MAD: median absolute deviation), k = ${r.k}; domains with fewer than ${r.minTrials} trials are not judged. ` +
      'The cause is the component that exceeds the domain’s median for it by the most.',
  );
  const rules = r.domains as {
    domain: string;
    trials: number;
    medianMs: number;
    madMs: number;
    thresholdMs: number | null;
  }[];
  s.appendChild(
    table(
      ['domain', 'trials', 'median', 'MAD', 'threshold'],
      rules.map((x) => [
        x.domain,
        String(x.trials),
        fmtMs(x.medianMs),
        fmtMs(x.madMs),
        x.thresholdMs === null ? 'not judged' : fmtMs(x.thresholdMs),
      ]),
    ),
  );
  const slow = d.trials.map((t, i) => ({ t, i })).filter((x) => x.t.slow !== null);
  slow.sort((a, b) => b.t.wallMs - a.t.wallMs);
  if (slow.length === 0) {
    s.appendChild(el('p', 'note', 'No trial is beyond its domain’s threshold.'));
    return;
  }
  const label = (id: string) => d.components.find((c) => c.id === id)?.label ?? id;
  const t = s.appendChild(
    table(
      ['trial', 'wall', 'threshold', 'cause', 'cause’s excess over the domain median'],
      slow.map(({ t }) => [
        t.key,
        fmtMs(t.wallMs),
        fmtMs(t.slow!.thresholdMs),
        label(t.slow!.cause),
        fmtMs(t.slow!.excessMs),
      ]),
      'clickable',
    ),
  );
  t.id = 'slow-table';
  t.querySelectorAll('tbody tr').forEach((tr, j) => {
    tr.addEventListener('click', () => open(slow[j]!.i));
  });
}

/** Percentile table of the latency metrics and the distribution of the chosen one. */
export function renderLatency(d: ReportData): void {
  const s = section('latency', 'Latency distributions', d.latency.serverNote);
  const rows = d.latency.rows;
  const t = table(
    ['kind', 'metric', 'model', 'n', 'p50', 'p90', 'p95', 'p99', 'max'],
    rows.map((r) => [
      r.kind,
      r.metric,
      r.model,
      String(r.summary.count),
      ...['p50', 'p90', 'p95', 'p99', 'max'].map((k) =>
        fmt((r.summary as unknown as Record<string, number>)[k]!, 1),
      ),
    ]),
    'numbers',
  );
  t.id = 'latency-table';
  const pick = s.appendChild(el('select')) as Elem;
  const metrics = [...new Set(rows.map((r) => r.metric))];
  for (const m of metrics) pick.appendChild(el('option', '', m)).setAttribute('value', m);
  const c = chart(s, 320);
  const draw = () => {
    const chosen = rows.filter((r) => r.metric === pick.value);
    c.setOption(
      {
        title: {
          text: `${pick.value}: percentiles 1–99 (ms, log scale)`,
          textStyle: { fontSize: 13 },
          left: 'center',
        },
        tooltip: { trigger: 'axis', valueFormatter: (v: number) => fmtMs(v) },
        legend: { top: 26, type: 'scroll' },
        grid: { left: 60, right: 60, top: 80, bottom: 40 },
        xAxis: { type: 'category', name: 'percentile', data: chosen[0]?.cdf.map((_, i) => i + 1) ?? [] },
        yAxis: { type: 'log', name: 'ms' },
        series: chosen.map((r) => ({
          name: `${r.kind} ${r.model}`,
          type: 'line',
          showSymbol: false,
          data: r.cdf.map((v) => Math.max(v, 0.01)),
        })),
      },
      true,
    );
  };
  pick.addEventListener('change', draw);
  draw();
  s.appendChild(t);
  renderCache(s, d.latency.cache);
}

/** The prefix-cache hit rate per kind of LLM call, below the latency table. */
export function renderCache(s: Elem, rows: ReportData['latency']['cache']): void {
  s.appendChild(
    el(
      'p',
      'note',
      "Prefix cache: cached prompt tokens over prompt tokens, of the calls whose server reported them ('–' when none did).",
    ),
  );
  const t = table(
    ['kind', 'calls', 'reported', 'prompt tokens', 'cached tokens', 'hit rate'],
    rows.map((r) => [
      r.kind,
      String(r.calls),
      String(r.reported),
      String(r.inputTokens),
      String(r.cachedTokens),
      r.hitRate === null ? '–' : `${fmt(r.hitRate * 100, 1)}%`,
    ]),
    'numbers',
  );
  t.id = 'cache-table';
  s.appendChild(t);
}

/** Requests in flight and queue depth over time; TTFT against prompt length. */
export function renderLoad(d: ReportData): void {
  const l = d.load;
  const s = section(
    'load',
    'Load over time',
    l.from === 'server'
      ? 'From the server’s llm_request spans: requests in flight and requests waiting in its queue (time-weighted mean per bucket).'
      : 'No server spans: requests in flight from the client’s LLM call spans; the queue depth is unknown.',
  );
  const c = chart(s, 280);
  const series: object[] = [
    {
      name: 'in flight',
      type: 'line',
      step: 'end',
      showSymbol: false,
      data: l.inflight.map((v, i) => [l.t[i], v]),
      itemStyle: { color: PALETTE.decode },
    },
  ];
  if (l.queue)
    series.push({
      name: 'queue depth',
      type: 'line',
      step: 'end',
      showSymbol: false,
      data: l.queue.map((v, i) => [l.t[i], v]),
      itemStyle: { color: PALETTE.queue },
    });
  c.setOption({
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 50, right: 40, top: 40, bottom: 30 },
    xAxis: { type: 'value', name: 's', min: 0, max: l.t.at(-1) },
    yAxis: { type: 'value', name: 'requests' },
    series,
  });
}

/** TTFT against prompt length, per kind of LLM call. */
export function renderTtft(d: ReportData): void {
  const t = section(
    'ttft',
    'TTFT against prompt length',
    'One point per LLM call (an even sample when a kind has more than 4,000).',
  );
  const sc = chart(t, 320);
  sc.setOption({
    tooltip: {
      trigger: 'item',
      formatter: (p: { seriesName: string; value: number[] }) =>
        `${p.seriesName}: ${p.value[0]} tokens, ${fmtMs(p.value[1]!)}`,
    },
    legend: { top: 0 },
    grid: { left: 60, right: 90, top: 50, bottom: 30 },
    xAxis: { type: 'value', name: 'input tokens' },
    yAxis: { type: 'value', name: 'TTFT ms' },
    series: d.ttft.map((k) => ({
      name: `${k.kind} (${k.calls} calls)`,
      type: 'scatter',
      symbolSize: 4,
      data: k.points,
      itemStyle: { color: PALETTE[k.kind] },
    })),
  });
}

/** Cost per model and per run, with unpriced models named. */
export function renderCost(d: ReportData): void {
  const c = d.cost;
  const s = section('cost', 'Cost', `Prices: ${c.source} (${c.date}).`);
  const total = c.totalUsd === null ? 'unknown: some models are unpriced (below)' : fmtUsd(c.totalUsd);
  s.appendChild(el('p', 'figure-line', `Run total: ${total}`)).id = 'cost-total';
  if (c.unpriced.length > 0) {
    const p = s.appendChild(
      el(
        'p',
        'warning',
        `Unpriced models (their trials have no cost; give --prices or --gpu-hour-price): ${c.unpriced.join(', ')}`,
      ),
    );
    p.id = 'unpriced';
  }
  const models = c.models as {
    model: string;
    calls: number;
    inputTokens: number;
    cachedTokens: number;
    outputTokens: number;
    pricedBy: string;
    usd: number | null;
  }[];
  s.appendChild(
    table(
      ['model', 'calls', 'input tokens', 'cached', 'output tokens', 'priced by', 'USD'],
      models.map((m) => [
        m.model,
        String(m.calls),
        fmt(m.inputTokens, 0),
        fmt(m.cachedTokens, 0),
        fmt(m.outputTokens, 0),
        m.pricedBy,
        fmtUsd(m.usd),
      ]),
      'numbers',
    ),
  );
}
