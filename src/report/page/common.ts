/**
 * Browser code of the report page, part 1: helpers shared by the sections. Every function here is inlined
 * into the page by its source text (`Function.prototype.toString`, see report/html.ts), so each one may use
 * only the page's globals (the DOM, `echarts`, and the other inlined functions), never an import.
 */

/** The little of the DOM the page uses (the project compiles without the DOM library: it is a Node program). */
export interface Elem {
  id: string;
  className: string;
  textContent: string | null;
  value: string;
  dataset: Record<string, string | undefined>;
  style: { height: string; display: string; setProperty(name: string, value: string): void };
  appendChild<T extends Elem>(child: T): T;
  setAttribute(name: string, value: string): void;
  addEventListener(type: string, handler: () => void): void;
  querySelectorAll(selector: string): { forEach(fn: (e: Elem, i: number) => void): void };
  scrollIntoView(options: object): void;
}
/** The page's `document`. */
export interface PageDocument {
  createElement(tag: string): Elem;
  querySelectorAll(selector: string): { forEach(fn: (e: Elem, i: number) => void): void };
  getElementById(id: string): Elem | null;
  body: Elem;
}
/** The page's `window`. */
export interface PageWindow {
  addEventListener(type: string, handler: () => void): void;
  scrollTo(x: number, y: number): void;
}
declare const document: PageDocument;
declare const window: PageWindow;

/** What the page uses of ECharts (the inlined echarts.min.js defines the global). */
export interface EChart {
  setOption(option: object, notMerge?: boolean): void;
  on(event: string, handler: (p: { dataIndex: number; seriesIndex: number }) => void): void;
  resize(): void;
}
/** The global ECharts defines; only what the page calls. */
export interface EChartsGlobal {
  init(el: Elem, theme?: string | null, opts?: object): EChart;
  graphic: { clipRectByRect(a: object, b: object): object | undefined };
}
declare const echarts: EChartsGlobal;

/** The colour of each component and span kind, shared by every chart so one colour means one thing. */
export const PALETTE: Record<string, string> = {
  queue: '#d62728',
  prefill: '#ff9f1c',
  decode: '#1f77b4',
  wait: '#e377c2',
  overhead: '#9aa5b1',
  retry: '#8c1c13',
  expert: '#9467bd',
  tool: '#2ca02c',
  user: '#17becf',
  judge: '#8c564b',
  harness: '#c7c7c7',
  task: '#5b6770',
  step: '#aab4bd',
  llm_call: '#3d7ab8',
  expert_call: '#9467bd',
  user_sim: '#17becf',
  evaluator: '#8c564b',
  tool_call: '#2ca02c',
  attempt: '#8c1c13',
  llm_request: '#9aa5b1',
};

/** Creates an element with a class and text. */
export function el(tag: string, cls?: string, text?: string): Elem {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A number for display: `digits` decimals, thousands separated. */
export function fmt(x: number | null | undefined, digits: number): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  // One formatter per precision, kept on the function: building one per call is what made big tables slow.
  const cache = fmt as unknown as { formats?: Map<number, Intl.NumberFormat> };
  cache.formats ??= new Map();
  let f = cache.formats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    cache.formats.set(digits, f);
  }
  return f.format(x);
}

/** Milliseconds as the report shows them: ms below 10 s, seconds above. */
export function fmtMs(ms: number): string {
  return ms < 10000 ? `${fmt(ms, 1)} ms` : `${fmt(ms / 1000, 2)} s`;
}

/** US dollars, or a dash for unknown. */
export function fmtUsd(usd: number | null): string {
  return usd === null ? '–' : `$${usd < 0.01 && usd > 0 ? usd.toPrecision(3) : fmt(usd, 4)}`;
}

/** A table with a header row and body rows of cells (text, or an element); returns the table. */
export function table(head: string[], rows: (string | Elem)[][], cls?: string): Elem {
  const t = el('table', cls) as Elem;
  const tr = el('tr');
  for (const h of head) tr.appendChild(el('th', '', h));
  t.appendChild(el('thead')).appendChild(tr);
  const body = t.appendChild(el('tbody'));
  for (const r of rows) {
    const row = body.appendChild(el('tr'));
    for (const c of r) {
      const td = row.appendChild(el('td'));
      if (typeof c === 'string') td.textContent = c;
      else td.appendChild(c);
    }
  }
  return t;
}

/** A chart in a new box under `parent`; charts resize with the window. */
export function chart(parent: Elem, height: number, id?: string): EChart {
  const box = parent.appendChild(el('div', 'chart'));
  if (id) box.id = id;
  box.style.height = `${height}px`;
  const c = echarts.init(box, null, { renderer: 'canvas' });
  window.addEventListener('resize', () => c.resize());
  return c;
}

/** A section with a heading and an optional note; returns the section. */
export function section(id: string, title: string, note?: string): Elem {
  const s = el('section');
  s.id = id;
  s.appendChild(el('h2', '', title));
  if (note) s.appendChild(el('p', 'note', note));
  document.getElementById('main')!.appendChild(s);
  return s;
}
