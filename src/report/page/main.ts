/**
 * Browser code of the report page, part 4: the entry point, which reads the inlined data and draws every
 * section in order. Inlined by source text like common.ts: globals only.
 */
import type { ReportData } from '../data.js';
import type { PageDocument, PageWindow } from './common.js';
import {
  renderAttribution,
  renderCost,
  renderLatency,
  renderLoad,
  renderOverview,
  renderSlow,
  renderTtft,
} from './sections.js';
import { flamePanel, renderTrials } from './trials.js';

declare const document: PageDocument;
declare const window: PageWindow;

/** Draws the report from the JSON in `#report-data`. */
export function reportMain(): void {
  const d = JSON.parse(document.getElementById('report-data')!.textContent!) as ReportData;
  renderOverview(d);
  renderAttribution(d);
  // The table comes before the flame panel on the page but opens it: bind late.
  let show: (i: number) => void = () => {};
  const open = (i: number) => show(i);
  renderTrials(d, open);
  show = flamePanel(d);
  renderSlow(d, open);
  renderLatency(d);
  renderLoad(d);
  renderTtft(d);
  renderCost(d);
  const slowest = d.trials.reduce((best, t, i) => (t.wallMs > d.trials[best]!.wallMs ? i : best), 0);
  if (d.trials.length > 0) show(slowest);
  window.scrollTo(0, 0);
  document.body.dataset.ready = 'true';
}
