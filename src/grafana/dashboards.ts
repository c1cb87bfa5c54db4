/**
 * The project's Grafana dashboards as code (built with @grafana/grafana-foundation-sdk). write-dashboards.ts
 * writes them to grafana/dashboards/, where Grafana's file provider loads them; a golden test keeps the
 * committed JSON equal to what these functions build.
 */
import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { LLM_LATENCY_UID, llmLatencyDashboard } from './llm-latency.js';
import { RUN_OVERVIEW_UID, runOverviewDashboard } from './run-overview.js';
import { TASK_EXPLORER_UID, taskExplorerDashboard } from './task-explorer.js';

export {
  LLM_LATENCY_UID,
  llmLatencyDashboard,
  RUN_OVERVIEW_UID,
  runOverviewDashboard,
  TASK_EXPLORER_UID,
  taskExplorerDashboard,
};

/** Gives panels stable ids 1, 2, … in layout order (Grafana would otherwise number them on load). */
function numberPanels(d: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  for (const panel of d.panels ?? []) panel.id = ++id;
  return d;
}

/** Every dashboard, keyed by the file name it is written to. */
export function allDashboards(): Record<string, dashboard.Dashboard> {
  return {
    'run-overview.json': numberPanels(runOverviewDashboard()),
    'llm-latency.json': numberPanels(llmLatencyDashboard()),
    'task-explorer.json': numberPanels(taskExplorerDashboard()),
  };
}
