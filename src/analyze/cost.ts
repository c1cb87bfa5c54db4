/**
 * What a run cost: API models priced per token from a price table (USD per million input, cached-input and
 * output tokens), self-hosted models priced by the GPU-hour over the run's wall time when a price is given.
 * A model that is neither is listed as unpriced, and the trials that used it get no cost: never a silent $0.
 * The rules (GPU-cost sharing, name lookup) are in src/analyze/README.md.
 */
import { readFileSync } from 'node:fs';
import { durationMs, type SpoolSpan } from '../export/spool-reader.js';
import { Attr, SpanName } from '../telemetry/names.js';
import { setting, UsageError } from '../util/errors.js';
import { LLM_KINDS } from './metrics.js';
import DEFAULT_TABLE from './prices.json' with { type: 'json' };
import { type Trial, walk } from './trials.js';

/** USD per million tokens; `cached_input` defaults to `input`. */
export interface ModelPrice {
  input: number;
  cached_input?: number;
  output: number;
}

/** A price table: where its prices come from, as of when, and the prices by model name. */
export interface PriceTable {
  source: string;
  date: string;
  models: Record<string, ModelPrice>;
}

/** The price table shipped with tau2-trace (src/analyze/prices.json; its source and date are in it). */
export const DEFAULT_PRICES: PriceTable = {
  source: DEFAULT_TABLE.source,
  date: DEFAULT_TABLE.date,
  models: DEFAULT_TABLE.models,
};

const field = 'prices';
const bad = (path: string, what: string) => new UsageError([setting(field), ` ${path}: ${what}`], { field });

/** A model's price entry, or the problem with it. */
function priceProblem(p: unknown): string | undefined {
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return 'is not an object';
  const o = p as Record<string, unknown>;
  for (const k of ['input', 'output', 'cached_input']) {
    const v = o[k];
    if (v === undefined && k === 'cached_input') continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      return `${k} must be a number ≥ 0 (USD per million tokens), not ${JSON.stringify(v)}`;
    }
  }
  const extra = Object.keys(o).filter((k) => !['input', 'output', 'cached_input'].includes(k));
  return extra.length ? `unknown key ${extra[0]} (input, cached_input, output)` : undefined;
}

/**
 * Reads a price table (`--prices`): `{"source", "date", "models": {"<model>": {"input", "cached_input"?,
 * "output"}}}`. A {@link UsageError} about `prices` names the file and the entry that is wrong.
 */
export function loadPrices(path: string): PriceTable {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw bad(path, `cannot be read as JSON (${(err as Error).message})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw bad(path, 'is not a JSON object');
  const o = json as Record<string, unknown>;
  const models = o.models;
  if (typeof models !== 'object' || models === null || Array.isArray(models)) {
    throw bad(
      path,
      'needs "models": {"<model>": {"input": …, "cached_input": …, "output": …}} (USD per 1M tokens)',
    );
  }
  for (const [model, p] of Object.entries(models)) {
    const problem = priceProblem(p);
    if (problem) throw bad(path, `models.${model}: ${problem}`);
  }
  const text = (k: string) => (typeof o[k] === 'string' ? (o[k] as string) : `(no ${k} given in ${path})`);
  return { source: text('source'), date: text('date'), models: models as Record<string, ModelPrice> };
}

/**
 * The price of `model`: its own entry, else that of its name after the last `/` (`openai/gpt-5`), else that
 * of its name without a date suffix (`gpt-4.1-2025-04-14`, `claude-sonnet-4-20250514`).
 */
export function priceOf(table: PriceTable, model: string): ModelPrice | undefined {
  const base = model.slice(model.lastIndexOf('/') + 1);
  const undated = base.replace(/-(\d{4}-\d{2}-\d{2}|\d{8})$/, '');
  for (const name of [model, base, undated]) {
    if (Object.hasOwn(table.models, name)) return table.models[name];
  }
  return undefined;
}

/** How to price a run. */
export interface CostOptions {
  /** Default: {@link DEFAULT_PRICES}. */
  prices?: PriceTable;
  /** USD per hour of the GPUs serving the models the table does not price (self-hosted); none: unpriced. */
  gpuHourPrice?: number;
}

/** One model's calls, tokens and cost over the run. */
export interface ModelCost {
  model: string;
  calls: number;
  inputTokens: number;
  /** Input tokens served from the provider's cache (`gen_ai.usage.cache_read.input_tokens`), when reported. */
  cachedTokens: number;
  outputTokens: number;
  pricedBy: 'tokens' | 'gpu-hour' | 'unpriced';
  /** Undefined when unpriced; for `gpu-hour`, its share of the GPU cost (by time spent in its calls). */
  usd: number | undefined;
}

/** A run's cost. */
export interface RunCost {
  /** Where the prices come from, as of when. */
  source: string;
  date: string;
  gpuHourPrice: number | undefined;
  /** Undefined when some model is unpriced. */
  totalUsd: number | undefined;
  tokensUsd: number;
  /** GPU-hour price × the run's wall time (first trial start to last trial end), when self-hosted models ran. */
  gpuUsd: number;
  gpuHours: number;
  models: ModelCost[];
  /** Models neither the table nor a GPU-hour price covers, by name. */
  unpriced: string[];
  /** Each trial's cost by trial key; a trial that used an unpriced model has none. */
  trials: Map<string, number>;
}

interface Call {
  trial: string;
  model: string;
  input: number;
  cached: number;
  output: number;
  ms: number;
}

const tokens = (s: SpoolSpan, key: string) => {
  const v = s.attributes[key];
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0;
};

const LLM_KIND_SET = new Set<unknown>(LLM_KINDS);

/** The LLM calls of the trials (failed attempts are not calls: their tokens are not reported). */
function callsOf(trials: readonly Trial[]): Call[] {
  const calls: Call[] = [];
  for (const trial of trials) {
    for (const { span } of walk(trial.root)) {
      if (!LLM_KIND_SET.has(span.attributes[Attr.kind])) continue;
      if (span.name === SpanName.attempt) continue;
      const model = span.attributes[Attr.genAiRequestModel];
      calls.push({
        trial: trial.key,
        model: typeof model === 'string' ? model : '(no model)',
        input: tokens(span, Attr.genAiInputTokens),
        cached: Math.min(tokens(span, Attr.genAiCacheReadInputTokens), tokens(span, Attr.genAiInputTokens)),
        output: tokens(span, Attr.genAiOutputTokens),
        ms: durationMs(span),
      });
    }
  }
  return calls;
}

/** USD of one call at `p`. */
const tokenUsd = (c: Call, p: ModelPrice) =>
  ((c.input - c.cached) * p.input + c.cached * (p.cached_input ?? p.input) + c.output * p.output) / 1e6;

/** The run's wall time in hours: first trial start to last trial end. */
function wallHours(trials: readonly Trial[]): number {
  if (trials.length === 0) return 0;
  let start = trials[0]!.startNs;
  let end = trials[0]!.endNs;
  for (const t of trials) {
    if (t.startNs < start) start = t.startNs;
    if (t.endNs > end) end = t.endNs;
  }
  return Number(end - start) / 3.6e12;
}

/**
 * The cost of a run's trials. Token-priced calls cost their tokens; the GPU cost (when `gpuHourPrice` is given
 * and a model the table does not price ran) is shared among trials, and among self-hosted models, by the time
 * their calls to those models took, since that is who kept the GPUs busy.
 */
export function runCost(trials: readonly Trial[], options: CostOptions = {}): RunCost {
  const table = options.prices ?? DEFAULT_PRICES;
  const gpuHourPrice = options.gpuHourPrice;
  const models = new Map<string, ModelCost>();
  const trialUsd = new Map<string, number>(trials.map((t) => [t.key, 0]));
  const unpricedTrials = new Set<string>();
  const gpuMs = { total: 0, byTrial: new Map<string, number>(), byModel: new Map<string, number>() };
  const calls = callsOf(trials);
  // One lookup per model, not per call: a run has a handful of models and up to hundreds of thousands of calls.
  const prices = new Map<string, ModelPrice | undefined>();
  for (const c of calls) {
    if (!prices.has(c.model)) prices.set(c.model, priceOf(table, c.model));
    const price = prices.get(c.model);
    const pricedBy = price ? 'tokens' : gpuHourPrice !== undefined ? 'gpu-hour' : 'unpriced';
    let m = models.get(c.model);
    if (!m) {
      m = { model: c.model, calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0, pricedBy, usd: 0 };
      models.set(c.model, m);
    }
    m.calls++;
    m.inputTokens += c.input;
    m.cachedTokens += c.cached;
    m.outputTokens += c.output;
    if (price) {
      const usd = tokenUsd(c, price);
      m.usd! += usd;
      trialUsd.set(c.trial, trialUsd.get(c.trial)! + usd);
    } else if (pricedBy === 'gpu-hour') {
      gpuMs.total += c.ms;
      gpuMs.byTrial.set(c.trial, (gpuMs.byTrial.get(c.trial) ?? 0) + c.ms);
      gpuMs.byModel.set(c.model, (gpuMs.byModel.get(c.model) ?? 0) + c.ms);
    } else {
      m.usd = undefined;
      unpricedTrials.add(c.trial);
    }
  }
  const tokensUsd = [...models.values()].reduce((a, m) => a + (m.pricedBy === 'tokens' ? m.usd! : 0), 0);
  const gpuHours = gpuMs.byModel.size > 0 ? wallHours(trials) : 0;
  const gpuUsd = gpuHours * (gpuHourPrice ?? 0);
  const share = (ms: number | undefined) => (gpuMs.total > 0 ? ((ms ?? 0) / gpuMs.total) * gpuUsd : 0);
  for (const m of models.values()) if (m.pricedBy === 'gpu-hour') m.usd = share(gpuMs.byModel.get(m.model));
  const costs = new Map<string, number>();
  for (const [key, usd] of trialUsd) {
    if (!unpricedTrials.has(key)) costs.set(key, usd + share(gpuMs.byTrial.get(key)));
  }
  const unpriced = [...models.values()].filter((m) => m.pricedBy === 'unpriced').map((m) => m.model);
  return {
    source: table.source,
    date: table.date,
    gpuHourPrice,
    totalUsd: unpriced.length > 0 ? undefined : tokensUsd + gpuUsd,
    tokensUsd,
    gpuUsd,
    gpuHours,
    models: [...models.values()].sort((a, b) => (a.model < b.model ? -1 : 1)),
    unpriced: unpriced.sort(),
    trials: costs,
  };
}
