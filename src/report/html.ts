/**
 * The report as one self-contained HTML file: the data as inlined JSON, Apache ECharts' one-file build
 * (echarts.min.js, Apache-2.0, its licence header kept) and the page's own code inlined as scripts, styles
 * inline. A Content-Security-Policy of `default-src 'none'` makes the browser refuse any request the page
 * might try, so it works offline and opened from disk, and cannot leak a run's data.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ReportData } from './data.js';
import * as common from './page/common.js';
import * as main from './page/main.js';
import * as sections from './page/sections.js';
import * as trials from './page/trials.js';
import { STYLE } from './style.js';

/**
 * The page's functions, inlined by their source text: every function the page modules export (each uses
 * only the page's globals and the others, so their order does not matter).
 */
const PAGE_FUNCTIONS = [common, sections, trials, main].flatMap((m) =>
  Object.values(m).filter((f): f is (...args: never[]) => unknown => typeof f === 'function'),
);

let echartsSource: string | undefined;

/** The text of echarts.min.js, read once. */
function echartsJs(): string {
  echartsSource ??= readFileSync(
    createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js'),
    'utf8',
  );
  return echartsSource;
}

/** JSON safe inside a `<script>` element: no `</script>` or `<!--` can appear in it. */
export function scriptJson(value: unknown): string {
  // No replacer: JSON.stringify would call it for every value, a second's work on a 300,000-span report.
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** The page's script: the palette, every page function, and the call of the entry point. */
function pageScript(): string {
  const fns = PAGE_FUNCTIONS.map((f) => f.toString()).join('\n');
  return (
    `'use strict';\nconst PALETTE = ${JSON.stringify(common.PALETTE)};\n${fns}\n` +
    "try { reportMain(); } catch (err) { console.error('report: ' + (err && err.stack || err)); throw err; }\n"
  );
}

/** The whole HTML file of a report. */
export function reportHtml(data: ReportData): string {
  const title = `tau2-trace report: ${data.overview.runId || data.overview.source}`;
  const nav = [
    ['overview', 'Overview'],
    ['attribution', 'Where the time went'],
    ['trials', 'Trials'],
    ['flame', 'Flame graph'],
    ['slow', 'Slow trials'],
    ['latency', 'Latency'],
    ['load', 'Load'],
    ['ttft', 'TTFT vs prompt'],
    ['cost', 'Cost'],
  ]
    .map(([id, text]) => `<a href="#${id}">${text}</a>`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(title)}</h1><p class="note">${escapeHtml(data.generator)}</p><nav>${nav}</nav></header>
<main id="main"></main>
<script type="application/json" id="report-data">${scriptJson(data)}</script>
<script>${echartsJs()}</script>
<script>${pageScript()}</script>
</body></html>
`;
}
