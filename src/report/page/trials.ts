/**
 * Browser code of the report page, part 3: the sortable table of trials (slowest first) and the flame graph
 * of the trial picked in it (an ECharts custom series: one bar per span at its depth; a server span drawn as
 * its queue, prefill and decode). Inlined by source text like common.ts: globals only.
 */
import type { ReportData } from '../data.js';
import {
  chart,
  type EChart,
  type EChartsGlobal,
  type Elem,
  el,
  fmt,
  fmtMs,
  fmtUsd,
  PALETTE,
  type PageDocument,
  section,
} from './common.js';

declare const document: PageDocument;
declare const echarts: EChartsGlobal;

/** The trials table; `open(i)` shows trial i's flame graph. Clicking a header sorts by it. */
export function renderTrials(d: ReportData, open: (i: number) => void): void {
  const s = section(
    'trials',
    'Trials',
    'Slowest first. Click a header to sort (all trials), a row to see its flame graph.',
  );
  const cols: [string, (i: number) => string | number][] = [
    ['domain', (i) => d.trials[i]!.domain],
    ['task', (i) => d.trials[i]!.taskId],
    ['trial', (i) => d.trials[i]!.trial],
    ['reward', (i) => d.trials[i]!.reward ?? -1],
    ['ending', (i) => d.trials[i]!.termination ?? ''],
    ['wall ms', (i) => d.trials[i]!.wallMs],
    ['largest part', (i) => topPart(d, i)],
    ['cost', (i) => d.trials[i]!.costUsd ?? -1],
    ['slow', (i) => (d.trials[i]!.slow ? 1 : 0)],
  ];
  const t = s.appendChild(el('table', 'clickable numbers'));
  t.id = 'trials-table';
  const head = t.appendChild(el('thead')).appendChild(el('tr'));
  const body = t.appendChild(el('tbody'));
  // Rows are made once; sorting moves them (a 300,000-span run has ~5,000 rows of 9 cells).
  const rows = d.trials.map((_, i) => trialRow(d, i, open));
  let order = d.trials.map((_, i) => i).sort((a, b) => d.trials[b]!.wallMs - d.trials[a]!.wallMs);
  // Laying out thousands of rows takes the browser seconds: the first 200 of the order are shown, and a
  // button shows the rest.
  let shown = 200;
  const more = el('button', 'more');
  more.addEventListener('click', () => {
    shown = order.length;
    fill();
  });
  const fill = () => {
    body.textContent = '';
    for (const i of order.slice(0, shown)) body.appendChild(rows[i]!);
    more.textContent = `show all ${order.length} trials`;
    more.style.display = shown < order.length ? '' : 'none';
  };
  cols.forEach(([name, key], c) => {
    const th = head.appendChild(el('th', 'sortable', name));
    let desc = c === 5;
    th.addEventListener('click', () => {
      desc = !desc;
      const keys = d.trials.map((_, i) => key(i));
      order = [...order].sort((a, b) => {
        const x = keys[a]!;
        const y = keys[b]!;
        return (x < y ? -1 : x > y ? 1 : a - b) * (desc ? -1 : 1);
      });
      fill();
    });
  });
  fill();
  s.appendChild(more);
}

/** The label of trial i's largest component. */
export function topPart(d: ReportData, i: number): string {
  const parts = d.trials[i]!.parts;
  let best = 0;
  for (let c = 1; c < parts.length; c++) if (parts[c]! > parts[best]!) best = c;
  return d.components[best]!.label;
}

/** One row of the trials table. */
export function trialRow(d: ReportData, i: number, open: (i: number) => void): Elem {
  const t = d.trials[i]!;
  const tr = el('tr');
  tr.dataset.key = t.key;
  tr.dataset.index = String(i);
  const cells = [
    t.domain,
    t.taskId,
    String(t.trial),
    t.reward === null ? '–' : fmt(t.reward, 2),
    t.termination ?? '–',
    fmt(t.wallMs, 1),
    topPart(d, i),
    fmtUsd(t.costUsd),
    t.slow ? `slow: ${d.components.find((c) => c.id === t.slow!.cause)?.label}` : '',
  ];
  for (const c of cells) tr.appendChild(el('td', '', c));
  if (t.slow) tr.className = 'slow';
  tr.addEventListener('click', () => open(i));
  return tr;
}

/** The flame graph section; returns the function that shows trial i in it. */
export function flamePanel(d: ReportData): (i: number) => void {
  const s = section('flame', 'Flame graph', 'Pick a trial in the table above or among the slow trials.');
  const caption = s.appendChild(el('p', 'caption'));
  caption.id = 'flame-caption';
  const legend = s.appendChild(el('div', 'legend'));
  for (const k of [
    'task',
    'step',
    'llm_call',
    'queue',
    'prefill',
    'decode',
    'overhead',
    'expert_call',
    'user_sim',
    'evaluator',
    'tool_call',
    'attempt',
  ]) {
    const item = legend.appendChild(el('span', 'swatch', k === 'overhead' ? 'server, other' : k));
    item.style.setProperty('--c', PALETTE[k] ?? '#888');
  }
  const c = chart(s, 300, 'flame-chart');
  return (i: number) => {
    const t = d.trials[i]!;
    const items = flameItems(d, i);
    const depth = Math.max(...d.flames[i]!.depth) + 1;
    (document.getElementById('flame-chart') as Elem).style.height = `${Math.max(200, 60 + depth * 26)}px`;
    c.resize();
    drawFlame(c, d, i, items, depth);
    caption.textContent = `${t.key} · ${fmtMs(t.wallMs)} · ${d.flames[i]!.start.length} spans · ending ${t.termination ?? '–'}${t.error ? ` · error: ${t.error}` : ''}`;
    s.dataset.key = t.key;
    document.querySelectorAll('#trials-table tr.selected').forEach((row) => {
      row.className = row.className.replace(' selected', '');
    });
    document.querySelectorAll(`#trials-table tr[data-index="${i}"]`).forEach((row) => {
      row.className += ' selected';
    });
    s.dataset.rows = String(d.flames[i]!.start.length);
    s.scrollIntoView({ block: 'start' });
  };
}

/** One bar: [depth, start, end, colour key, row, label ('' for the server split's parts)]. */
export type FlameItem = [number, number, number, string, number, string];

/** The bars of trial i: one per span, and a server span's queue/prefill/decode over it. */
export function flameItems(d: ReportData, i: number): FlameItem[] {
  const f = d.flames[i]!;
  const items: FlameItem[] = [];
  const split = new Set(f.split.filter((_, j) => j % 4 === 0));
  for (let r = 0; r < f.start.length; r++) {
    // A server span's colours say what it is; its name would cover them.
    const label = split.has(r) ? '' : d.strings[f.name[r]!]!;
    items.push([f.depth[r]!, f.start[r]!, f.start[r]! + f.dur[r]!, d.strings[f.kind[r]!]!, r, label]);
  }
  for (let j = 0; j < f.split.length; j += 4) {
    const r = f.split[j]!;
    let at = f.start[r]!;
    ['queue', 'prefill', 'decode'].forEach((k, n) => {
      const len = f.split[j + 1 + n]!;
      items.push([f.depth[r]!, at, at + len, k, r, '']);
      at += len;
    });
  }
  return items;
}

/** Draws `items` as a flame graph. */
export function drawFlame(c: EChart, d: ReportData, i: number, items: FlameItem[], depth: number): void {
  const wallMs = d.trials[i]!.wallMs;
  c.setOption(
    {
      tooltip: { formatter: (p: { dataIndex: number }) => flameTip(d, i, items, p.dataIndex) },
      grid: { left: 40, right: 30, top: 10, bottom: 50 },
      dataZoom: [
        { type: 'inside', filterMode: 'weakFilter' },
        { type: 'slider', filterMode: 'weakFilter', height: 18, bottom: 8 },
      ],
      xAxis: { type: 'value', min: 0, max: wallMs, axisLabel: { formatter: (v: number) => fmtMs(v) } },
      yAxis: {
        type: 'category',
        inverse: true,
        axisLabel: { show: false },
        axisTick: { show: false },
        data: Array.from({ length: depth }, (_, k) => String(k)),
      },
      series: [
        { type: 'custom', renderItem: flameBar, encode: { x: [1, 2], y: 0 }, data: items, progressive: 0 },
      ],
    },
    true,
  );
}

/** ECharts' renderItem for one bar (the API's shape is ECharts'; only what is used is typed). */
export function flameBar(
  params: { coordSys: { x: number; y: number; width: number; height: number } },
  api: { value(i: number): number | string; coord(v: number[]): number[]; size(v: number[]): number[] },
): object | undefined {
  const y = api.value(0) as number;
  const a = api.coord([api.value(1) as number, y]);
  const b = api.coord([api.value(2) as number, y]);
  const h = api.size([0, 1])[1]! * 0.8;
  const box = params.coordSys;
  const shape = echarts.graphic.clipRectByRect(
    { x: a[0]!, y: a[1]! - h / 2, width: Math.max(b[0]! - a[0]!, 0.5), height: h },
    { x: box.x, y: box.y, width: box.width, height: box.height },
  );
  if (!shape) return undefined;
  const key = String(api.value(3));
  const width = (shape as { width: number }).width;
  const label = String(api.value(5));
  const rect = {
    type: 'rect',
    shape,
    style: { fill: PALETTE[key] ?? '#888', stroke: '#fff', lineWidth: 0.5 },
  };
  if (width < 40 || label === '') return rect;
  // A name inside the bar when it has room (ECharts truncates it to the bar's width).
  const text = { style: { text: label, fill: '#fff', fontSize: 10, overflow: 'truncate', width: width - 6 } };
  return { ...rect, textContent: text, textConfig: { position: 'insideLeft' } };
}

/** The tooltip of bar j. */
export function flameTip(d: ReportData, i: number, items: FlameItem[], j: number): string {
  const [, start, end, key, r] = items[j]!;
  const f = d.flames[i]!;
  const name = d.strings[f.name[r]!] ?? '';
  const esc = (x: string) => x.replace(/[&<>]/g, (ch) => `&#${ch.charCodeAt(0)};`);
  return `<b>${esc(key === d.strings[f.kind[r]!] ? name : `${key} of ${name}`)}</b><br>start ${fmtMs(start)}<br>duration ${fmtMs(end - start)}`;
}
