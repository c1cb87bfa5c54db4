/** Every chart this project draws, as one input type, and the Vega spec of each. */
import type { Spec } from 'vega';
import { type CdfInput, cdfSpec, type LogHistogramInput, logHistogramSpec } from './ext.js';
import { type HistogramChartInput, histogramSpec } from './index.js';

/** A legacy histogram (no `chart` field, as before), a log-scale histogram or a CDF. */
export type ChartInput = HistogramChartInput | LogHistogramInput | CdfInput;

/** The Vega spec of a chart. */
export function chartSpec(input: ChartInput): Spec {
  switch (input.chart) {
    case 'log-histogram':
      return logHistogramSpec(input);
    case 'cdf':
      return cdfSpec(input);
    default:
      return histogramSpec(input);
  }
}
