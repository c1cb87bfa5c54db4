/**
 * Streaming reader of legacy `tau2_<domain>.log` files with the legacy analyzer's regex semantics: a value is
 * the first match of `<key>=([0-9]+(?:\.[0-9]+)?)` anywhere in a qualifying line (Python `re.search`).
 */
import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** One legacy metric: its name in the JSON, the log key it is read from, its unit and its console header. */
export interface LegacyMetric {
  name: string;
  key: string;
  unit: 'ms' | 'tok';
  /** Header of the console block. Assumption: `<metric>.duration_ms` for tool/expert, the log key for vLLM. */
  header: string;
  source: 'tool_call' | 'expert_call' | 'llm_call';
}

function m(name: string, key: string, unit: 'ms' | 'tok', source: LegacyMetric['source']): LegacyMetric {
  return { name, key, unit, source, header: source === 'llm_call' ? key : `${name}.${key}` };
}

/** The seven legacy metrics, in the order of the JSON and the console. */
export const LEGACY_METRICS: readonly LegacyMetric[] = [
  m('tool_call', 'duration_ms', 'ms', 'tool_call'),
  m('expert_call', 'duration_ms', 'ms', 'expert_call'),
  m('toolorchestra_vllm_infer', 'toolorchestra_vllm_infer_ms', 'ms', 'llm_call'),
  m('toolorchestra_vllm_prefill', 'toolorchestra_vllm_prefill_ms', 'ms', 'llm_call'),
  m('toolorchestra_vllm_decode', 'toolorchestra_vllm_decode_ms', 'ms', 'llm_call'),
  m('toolorchestra_vllm_prefill_len', 'toolorchestra_vllm_prefill_len', 'tok', 'llm_call'),
  m('toolorchestra_vllm_decode_len', 'toolorchestra_vllm_decode_len', 'tok', 'llm_call'),
];

/** A growable float64 buffer: memory follows the number of values, not the bytes read. */
export class Float64Buffer {
  private buf = new Float64Array(64);
  /** Number of values pushed. */
  length = 0;
  /** Appends one value, doubling the backing store when full. */
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  /** A view of the pushed values (no copy). */
  values(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Result of reading legacy logs. */
export interface LegacyParseResult {
  /** Values per metric name, in file order. */
  values: Map<string, Float64Buffer>;
  files: string[];
  lines: number;
  /** PROFILE/USER_JUDGE lines that qualify for a metric (or have no `type=`) but yield no value. */
  unusable: number;
  /** The first few unusable lines, 1-based line numbers within their file. */
  unusableSamples: { file: string; line: number }[];
  /** `llm_call` lines of the later logger generation (no `toolorchestra_vllm_infer_ms=`), ignored as legacy did. */
  ignoredLlmCalls: number;
}

const MAX_SAMPLES = 10;
const CHUNK = 1 << 20;
const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * First match of `<key>=([0-9]+(?:\.[0-9]+)?)` in `line` (Python `re.search`), as `float()` parses it, or
 * undefined. Written out by hand: a regex per key and line was most of the reader's time.
 */
export function searchValue(line: string, key: string): number | undefined {
  const needle = `${key}=`;
  for (let at = line.indexOf(needle); at !== -1; at = line.indexOf(needle, at + 1)) {
    const start = at + needle.length;
    let i = start;
    while (i < line.length && isDigit(line.charCodeAt(i))) i++;
    if (i === start) continue;
    if (line.charCodeAt(i) === 46 && isDigit(line.charCodeAt(i + 1))) {
      i += 2;
      while (i < line.length && isDigit(line.charCodeAt(i))) i++;
    }
    return Number(line.slice(start, i));
  }
  return undefined;
}

/** Feeds one log line (without its newline) into the accumulators; returns whether it was unusable. */
function feedLine(line: string, r: LegacyParseResult): boolean {
  let got = false;
  let qualifies = false;
  const tool = line.includes('type=tool_call');
  const expert = line.includes('type=expert_call');
  const llm = line.includes('type=llm_call');
  const vllm = llm && line.includes('toolorchestra_vllm_infer_ms=');
  if (llm && !vllm) r.ignoredLlmCalls++;
  for (const metric of LEGACY_METRICS) {
    const on = metric.source === 'tool_call' ? tool : metric.source === 'expert_call' ? expert : vllm;
    if (!on) continue;
    qualifies = true;
    const v = searchValue(line, metric.key);
    if (v !== undefined) {
      r.values.get(metric.name)!.push(v);
      got = true;
    }
  }
  const marked = line.includes('[PROFILE]') || line.includes('[USER_JUDGE]');
  return marked && !got && (qualifies || !line.includes('type='));
}

/** Streams one file in byte chunks, splitting on `\n` and dropping one trailing `\r`. */
function readFile(path: string, r: LegacyParseResult): void {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK);
    let carry: Buffer[] = [];
    let lineNo = 0;
    const emit = (bytes: Buffer, from: number, to: number): void => {
      lineNo++;
      r.lines++;
      const end = to > from && bytes[to - 1] === 0x0d ? to - 1 : to;
      // latin1 maps each byte to one char: ASCII keys and digits match as in Python, invalid UTF-8 cannot throw.
      if (feedLine(bytes.toString('latin1', from, end), r)) {
        r.unusable++;
        if (r.unusableSamples.length < MAX_SAMPLES) r.unusableSamples.push({ file: path, line: lineNo });
      }
    };
    for (;;) {
      const n = readSync(fd, chunk, 0, CHUNK, null);
      if (n === 0) break;
      let from = 0;
      for (let nl = chunk.indexOf(0x0a, from); nl !== -1 && nl < n; nl = chunk.indexOf(0x0a, from)) {
        if (carry.length === 0) {
          // The common case: the whole line is inside this chunk, no copy needed.
          emit(chunk, from, nl);
        } else {
          carry.push(chunk.subarray(from, nl));
          const line = Buffer.concat(carry);
          emit(line, 0, line.length);
          carry = [];
        }
        from = nl + 1;
      }
      if (from < n) carry.push(Buffer.from(chunk.subarray(from, n)));
    }
    if (carry.length > 0) {
      const line = Buffer.concat(carry);
      emit(line, 0, line.length);
    }
  } finally {
    closeSync(fd);
  }
}

/** Converts a simple glob (`*` and `?` only) to an anchored RegExp. */
function globRegex(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}

/**
 * Reads one log file, or every file of a directory matching `glob` (default `tau2_*.log`) in sorted order
 * (Python `sorted(glob(...))`: code-unit order of the names). Throws an Error naming a missing path.
 */
export function parseLegacyLogs(path: string, glob = 'tau2_*.log'): LegacyParseResult {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(path);
  } catch {
    throw new Error(`legacy log path not found: ${path}`);
  }
  const files = st.isDirectory()
    ? readdirSync(path)
        .filter((f) => globRegex(glob).test(f))
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        .map((f) => join(path, f))
    : [path];
  const r: LegacyParseResult = {
    values: new Map(LEGACY_METRICS.map((x) => [x.name, new Float64Buffer()])),
    files,
    lines: 0,
    unusable: 0,
    unusableSamples: [],
    ignoredLlmCalls: 0,
  };
  for (const f of files) readFile(f, r);
  return r;
}
