/**
 * The legacy names, spelled once: the seven metrics of `<prefix>_stats.json` and the log keys they are read
 * from, with the span attribute each vLLM figure comes from (DESIGN.md, "Legacy mapping"). Readers (logs,
 * spans), writers (logs) and the extended stats all take the names from here.
 */
import { Attr } from '../../telemetry/names.js';

/** The two duration metrics, named after the line types they are read from. */
export const LegacyCallMetric = {
  toolCall: 'tool_call',
  expertCall: 'expert_call',
} as const;

/** A vLLM figure of an agent call as the legacy logs and stats name it. */
export interface VllmFigure {
  /** Its name in `<prefix>_stats.json`. */
  metric: string;
  unit: 'ms' | 'tok';
  /** Its key on the seed generation's `llm_call` lines. */
  key: string;
  /** Its key on the later generation's lines (`--all-fields`). */
  laterKey: string;
  /** The span attribute it comes from. */
  attr: string;
  /** Its field in `vllmTimings` (records.ts). */
  timing: 'infer' | 'ttft' | 'decode' | 'input' | 'output';
}

const figure = (
  metric: string,
  unit: VllmFigure['unit'],
  laterKey: string,
  attr: string,
  timing: VllmFigure['timing'],
): VllmFigure => ({ metric, unit, key: unit === 'ms' ? `${metric}_ms` : metric, laterKey, attr, timing });

/** The five vLLM figures, in the order of the legacy JSON, console and charts. */
export const VLLM_FIGURES: readonly VllmFigure[] = [
  figure('toolorchestra_vllm_infer', 'ms', 'vllm_infer_ms', Attr.inferMs, 'infer'),
  figure('toolorchestra_vllm_prefill', 'ms', 'prefill_ms', Attr.ttftMs, 'ttft'),
  figure('toolorchestra_vllm_decode', 'ms', 'decode_ms', Attr.decodeMs, 'decode'),
  figure('toolorchestra_vllm_prefill_len', 'tok', 'input_tokens', Attr.genAiInputTokens, 'input'),
  figure('toolorchestra_vllm_decode_len', 'tok', 'output_tokens', Attr.genAiOutputTokens, 'output'),
];
