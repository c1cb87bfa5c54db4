/** Every chart this project draws, as one input type, and the Vega spec of the stats_ext ones. */
import type { Spec } from 'vega';
import { type CdfInput, cdfSpec, type LogHistogramInput, logHistogramSpec } from './ext.js';
import type { HistogramChartInput } from './legacy-svg.js';

/** A stats_ext chart: a log-scale histogram or a CDF (Vega specs). */
export type ExtChartInput = LogHistogramInput | CdfInput;

/** A legacy histogram (no `chart` field, as before; drawn without Vega) or a stats_ext chart. */
export type ChartInput = HistogramChartInput | ExtChartInput;

/** The Vega spec of a stats_ext chart. */
export function chartSpec(input: ExtChartInput): Spec {
  return input.chart === 'cdf' ? cdfSpec(input) : logHistogramSpec(input);
}
