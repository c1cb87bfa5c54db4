/**
 * Streaming reader of legacy `tau2_<domain>.log` files with the legacy analyzer's regex semantics: a value is
 * the first match of `<key>=([0-9]+(?:\.[0-9]+)?)` anywhere in a qualifying line (Python `re.search`).
 * It works on the bytes read, with no string per line (`npm run bench:legacy` prints its speed).
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { legacyLogFiles } from './files.js';
import { LegacyCallMetric, VLLM_FIGURES } from './names.js';

/** One legacy metric: its name in the JSON, the log key it is read from, its unit, console header and title. */
export interface LegacyMetric {
  name: string;
  key: string;
  unit: 'ms' | 'tok';
  /** Header of the console block: `<line type>.<log key>`, as the legacy analyzer prints it. */
  header: string;
  /** The legacy chart's title (the stats are appended to it). */
  title: string;
  source: 'tool_call' | 'expert_call' | 'llm_call';
}

function m(
  name: string,
  key: string,
  unit: 'ms' | 'tok',
  source: LegacyMetric['source'],
  title: string,
): LegacyMetric {
  return { name, key, unit, source, header: `${source}.${key}`, title };
}

// The legacy charts' titles of the five vLLM figures (the stats are appended to them).
const VLLM_TITLES = [
  'ToolOrchestra vLLM infer_ms',
  'ToolOrchestra vLLM prefill_ms (TTFT)',
  'ToolOrchestra vLLM decode_ms',
  'ToolOrchestra vLLM prefill_len (prompt tokens)',
  'ToolOrchestra vLLM decode_len (completion tokens)',
];

/** The seven legacy metrics, in the order of the JSON, the console and the charts. */
export const LEGACY_METRICS: readonly LegacyMetric[] = [
  m(
    LegacyCallMetric.toolCall,
    'duration_ms',
    'ms',
    'tool_call',
    'Local python tool calls (type=tool_call) duration_ms',
  ),
  m(
    LegacyCallMetric.expertCall,
    'duration_ms',
    'ms',
    'expert_call',
    'Expert LLM-as-tool calls (type=expert_call) duration_ms',
  ),
  ...VLLM_FIGURES.map((f, i) => m(f.metric, f.key, f.unit, 'llm_call', VLLM_TITLES[i]!)),
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
  /**
   * Lines containing `[PROFILE]` or `[USER_JUDGE]` that qualify for a metric (or have no `type=`) but yield
   * no value, plus every line with a value too large for a double (which is left out, see
   * {@link parseLegacyLogs}).
   */
  unusable: number;
  /** The first few unusable lines, 1-based line numbers within their file. */
  unusableSamples: { file: string; line: number }[];
  /**
   * `llm_call` lines without `toolorchestra_vllm_infer_ms=` (the later logger generation), ignored as legacy
   * did; with `allFields`, only those that have no whole-key `vllm_infer_ms=` either.
   */
  ignoredLlmCalls: number;
  /**
   * Files in which no line is recognisable: none has a `[PROFILE]` or `[USER_JUDGE]` marker or yields a
   * value. Whatever they are (a results.json, a binary), they are not legacy logs.
   */
  unrecognisedFiles: string[];
}

const MAX_SAMPLES = 10;
/** Default read size; the buffer only grows to hold a longer line. */
const CHUNK = 1 << 20;
/** Bytes kept readable past the data, so looking ahead from a cut-off line never reads out of bounds. */
const SLACK = 64;
const isDigit = (c: number) => c >= 48 && c <= 57;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Options of {@link parseLegacyLogs}. */
export interface LegacyParseOptions {
  /** Also read the later logger generation's `llm_call` keys (see {@link parseLegacyLogs}). */
  allFields?: boolean | undefined;
  /** Read size in bytes (default 1 MiB, rounded up to a multiple of 8); exposed for chunk-boundary tests. */
  chunkSize?: number | undefined;
}

/** An ASCII key, with its bytes as little-endian 32-bit words for comparing four bytes at a time. */
interface Key {
  bytes: Uint8Array;
  /** Offsets of the words within the key: 0, 4, 8, … and `length - 4` (the last one may overlap). */
  offsets: Int32Array;
  words: Int32Array;
}

function asKey(text: string): Key {
  const b = Uint8Array.from(text, (c) => c.charCodeAt(0));
  const offsets: number[] = [];
  for (let o = 0; o < b.length - 4; o += 4) offsets.push(o);
  offsets.push(b.length - 4);
  return {
    bytes: b,
    offsets: Int32Array.from(offsets),
    words: Int32Array.from(offsets, (o) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)),
  };
}
// Keys, matched backwards from their `=`. Seed-generation keys match anywhere (also inside a longer key, as
// `re.search` does); later-generation keys only as whole keys (after a space or at the line start).
const K_DURATION = asKey('duration_ms');
const [K_TO_INFER, K_TO_PREFILL, K_TO_DECODE, K_TO_PREFILL_LEN, K_TO_DECODE_LEN] = VLLM_FIGURES.map((f) =>
  asKey(f.key),
) as [Key, Key, Key, Key, Key];
const [K_INFER, K_PREFILL, K_DECODE, K_INPUT, K_OUTPUT] = VLLM_FIGURES.map((f) => asKey(f.laterKey)) as [
  Key,
  Key,
  Key,
  Key,
  Key,
];
// Values of `type=`, matched forwards.
const T_TOOL = asKey('tool_call');
const T_EXPERT = asKey('expert_call');
const T_LLM = asKey('llm_call');
const M_PROFILE = asKey('[PROFILE]');
const M_USER_JUDGE = asKey('[USER_JUDGE]');

// Value slots: the first position of each key's first digit-led value in the current line.
const S_DURATION = 0;
const S_TO_INFER = 1; // ..S_TO_INFER + 4: the seed generation's five vLLM keys, in LEGACY_METRICS order
const S_LATER_INFER = 6; // ..S_LATER_INFER + 4: the later generation's five, in the same order

// Line flags.
const F_TYPE = 1; // some `type=`
const F_TOOL = 2; // `type=tool_call`
const F_EXPERT = 4; // `type=expert_call`
const F_LLM = 8; // `type=llm_call`
const F_TO_INFER = 16; // `toolorchestra_vllm_infer_ms=`
const F_LATER_INFER = 32; // whole-key `vllm_infer_ms=`

/** Powers of ten exactly representable as doubles. */
const POW10 = Array.from({ length: 23 }, (_, i) => Number(`1e${i}`));

/** Whether the bytes at `start` are `key` (`dv` covers the buffer and its slack). */
function matchAt(dv: DataView, start: number, key: Key): boolean {
  const { offsets, words } = key;
  for (let k = 0; k < offsets.length; k++) {
    if (dv.getInt32(start + offsets[k]!, true) !== words[k]) return false;
  }
  return true;
}

/** Whether the bytes before `at` are `key`, within the line starting at `from`. */
function endsWith(dv: DataView, at: number, from: number, key: Key): boolean {
  return at - key.bytes.length >= from && matchAt(dv, at - key.bytes.length, key);
}

/** Whether `b[from, to)` contains `key`. */
function contains(b: Uint8Array, from: number, to: number, key: Key): boolean {
  const s = key.bytes;
  next: for (let i = from; i <= to - s.length; i++) {
    for (let k = 0; k < s.length; k++) if (b[i + k] !== s[k]) continue next;
    return true;
  }
  return false;
}

/**
 * `float()` of the `[0-9]+(\.[0-9]+)?` text at `b[at..)`, bit for bit. Up to 15 significant digits the digits
 * form an exact integer and one division by an exact power of ten rounds correctly, as `float()` does; longer
 * numbers go through `Number()` of their text, which also rounds correctly.
 */
function parseNumber(b: Buffer, at: number): number {
  let i = at;
  let c = b[i]!;
  let m = 0;
  let sig = 0;
  let frac = 0;
  while (c >= 48 && c <= 57) {
    if (m !== 0 || c !== 48) {
      m = m * 10 + (c - 48);
      sig++;
    }
    c = b[++i]!;
  }
  if (c === 46 && isDigit(b[i + 1]!)) {
    c = b[++i]!;
    while (c >= 48 && c <= 57) {
      if (m !== 0 || c !== 48) {
        m = m * 10 + (c - 48);
        sig++;
      }
      frac++;
      c = b[++i]!;
    }
  }
  if (sig <= 15 && frac < POW10.length) return frac === 0 ? m : m / POW10[frac]!;
  return Number(b.toString('latin1', at, i));
}

/** The last four bytes of keys, as `getInt32(at - 4, true)` reads them before their `=`. */
const tail4 = (text: string): number => asKey(text).words[0]!;
const T4_TYPE = tail4('type');
const T4_DURATION = tail4('n_ms');
const T4_INFER = tail4('r_ms');
const T4_PREFILL = tail4('l_ms');
const T4_DECODE = tail4('e_ms');
const T4_LEN = tail4('_len');
const T4_TOKENS = tail4('kens');

/** Whether the bytes before `at` are `key` as a whole key: at the line start `from` or after a space. */
function wholeKey(dv: DataView, at: number, from: number, key: Key): boolean {
  const start = at - key.bytes.length;
  return endsWith(dv, at, from, key) && (start === from || dv.getUint8(start - 1) === 0x20);
}

/** {@link lineBreakAt}: the byte is no line break. */
const NO_BREAK = -1;
/** {@link lineBreakAt}: the byte may start a line break that continues past the bytes read so far. */
const MORE_BYTES = -2;

/**
 * Where the next line starts when the byte at `j` (below 0x20, or with its top bit set) begins a line break of
 * `str.splitlines()`; {@link NO_BREAK} when it does not, {@link MORE_BYTES} when a break may continue past
 * `to`, so the line is left unfinished and scanned again with more bytes (at the end of a file, `readFile`
 * appends a `\n`, so none can continue there).
 */
function lineBreakAt(b: Buffer, j: number, to: number): number {
  const c = b[j]!;
  if (c === 0x0a || c === 0x0b || c === 0x0c || (c >= 0x1c && c <= 0x1e)) return j + 1;
  if (c === 0x0d) {
    if (j + 1 >= to) return MORE_BYTES;
    return b[j + 1] === 0x0a ? j + 2 : j + 1;
  }
  if (c === 0xc2) {
    // U+0085 (NEL) is C2 85; C2 is never a continuation byte, so these bytes decode as NEL.
    if (j + 1 >= to) return MORE_BYTES;
    return b[j + 1] === 0x85 ? j + 2 : NO_BREAK;
  }
  if (c === 0xe2) {
    // U+2028 / U+2029 are E2 80 A8 / E2 80 A9.
    if (j + 1 >= to || (b[j + 1] === 0x80 && j + 2 >= to)) return MORE_BYTES;
    if (b[j + 1] === 0x80 && (b[j + 2] === 0xa8 || b[j + 2] === 0xa9)) return j + 3;
  }
  return NO_BREAK;
}

/**
 * The byte-level reader. It finds `\n` and `=` four bytes at a time, tells the keys of interest apart by the
 * four bytes before each `=` and then compares the whole key, notes where the first digit-led value of each
 * key starts, and parses only the values a line turns out to need when its `\n` comes. No string per line.
 */
class Scanner {
  private buf: Buffer;
  private words: Int32Array;
  private view: DataView;
  /** Bytes the buffer holds for reading (it has {@link SLACK} more). */
  private cap: number;
  /** Per value slot, where its value starts in the current line. */
  private readonly pos = new Int32Array(11);
  /** The current line's `F_*` flags so far. */
  private flags = 0;
  /** The current line's slots (bit per slot) whose value start is in `pos`. */
  private slots = 0;
  private lineNo = 0;
  private file = '';
  /** Whether the current file has had a recognisable line yet (see `unrecognisedFiles`). */
  private recognised = false;
  private readonly out: Float64Buffer[];

  constructor(
    private readonly r: LegacyParseResult,
    private readonly allFields: boolean,
    chunkSize: number,
  ) {
    this.cap = Math.max(8, Math.ceil(chunkSize / 8) * 8);
    this.buf = Buffer.alloc(0);
    this.words = new Int32Array(0);
    this.view = new DataView(new ArrayBuffer(0));
    this.allocate(this.cap);
    this.out = LEGACY_METRICS.map((x) => r.values.get(x.name)!);
  }

  /** A fresh, 4-byte-aligned buffer of `cap` (+ slack) bytes. */
  private allocate(cap: number): void {
    const ab = new ArrayBuffer(cap + SLACK);
    this.buf = Buffer.from(ab);
    this.words = new Int32Array(ab);
    this.view = new DataView(ab);
    this.cap = cap;
  }

  /** Reads one file; a line cut by a read is scanned again from its start once it is complete. */
  readFile(path: string): void {
    const fd = openSync(path, 'r');
    try {
      this.file = path;
      this.lineNo = 0;
      this.recognised = false;
      let have = 0;
      let start = 0;
      for (;;) {
        if (have === this.cap) {
          if (start > 0) {
            this.buf.copy(this.buf, 0, start, have);
          } else {
            const old = this.buf;
            this.allocate(this.cap * 2);
            old.copy(this.buf, 0, 0, have);
          }
          have -= start;
          start = 0;
        }
        const n = readSync(fd, this.buf, have, this.cap - have, null);
        if (n === 0) break;
        have += n;
        start = this.scan(start, have);
      }
      if (start < have) {
        // The last line has no newline: end it with one (the slack always has room).
        this.buf[have] = 0x0a;
        this.scan(start, have + 1);
      }
      if (!this.recognised) this.r.unrecognisedFiles.push(path);
    } finally {
      closeSync(fd);
    }
  }

  /**
   * Scans `[from, to)`, where `from` starts a line; returns the start of the line left unfinished. Whole
   * words are read (the slack keeps the last one in bounds); hits outside `[from, to)` are skipped. Looking
   * ahead of a `=` stops at the line's `\n` (no pattern contains one); in the unfinished line it may read
   * past `to`, but that line's state is dropped and it is scanned again when complete.
   */
  private scan(from: number, to: number): number {
    const b = this.buf;
    const w = this.words;
    let ls = from;
    this.flags = 0;
    this.slots = 0;
    const wordEnd = (to + 3) >> 2;
    for (let k = from >> 2; k < wordEnd; k++) {
      const v = w[k]!;
      const eq = v ^ 0x3d3d3d3d;
      // Bit tricks: every byte below 0x20 (the one-byte line breaks, see `parseLegacyLogs`), every `=` and
      // every byte with its top bit set (where the multi-byte breaks start) gets its top bit set; a byte above
      // a hit may be flagged too, so each flagged byte is checked.
      let hits = (((v - 0x20202020) & ~v) | ((eq - 0x01010101) & ~eq) | v) & 0x80808080;
      while (hits !== 0) {
        // Bytes in address order: from the low bits on little-endian hardware, from the high bits otherwise.
        const bit = LITTLE_ENDIAN ? 31 - Math.clz32(hits & -hits) : 31 - Math.clz32(hits);
        hits ^= 1 << bit;
        const j = (k << 2) + (LITTLE_ENDIAN ? bit >> 3 : 3 - (bit >> 3));
        // Below `ls`: the rest of a line break already taken (`\r\n`, a multi-byte one).
        if (j < ls || j >= to) continue;
        if (b[j] === 0x3d) {
          this.noteKey(j, ls);
          continue;
        }
        const next = lineBreakAt(b, j, to);
        if (next === MORE_BYTES) return ls;
        if (next === NO_BREAK) continue;
        this.endLine(ls, j, this.flags, this.slots);
        ls = next;
        this.flags = 0;
        this.slots = 0;
      }
    }
    return ls;
  }

  /**
   * Notes the key before the `=` at `j` in the line starting at `ls`: a `type=` value in the line's flags, and
   * where the value of a key of interest starts (its first digit-led occurrence only).
   */
  private noteKey(j: number, ls: number): void {
    if (j - ls < 4) return; // `type` is the shortest key
    const b = this.buf;
    const dv = this.view;
    const allFields = this.allFields;
    const t4 = dv.getInt32(j - 4, true);
    let slot = -1;
    if (t4 === T4_TYPE) {
      this.flags |= F_TYPE;
      const v1 = b[j + 1];
      if (v1 === 0x74 && matchAt(dv, j + 1, T_TOOL)) this.flags |= F_TOOL;
      else if (v1 === 0x65 && matchAt(dv, j + 1, T_EXPERT)) this.flags |= F_EXPERT;
      else if (v1 === 0x6c && matchAt(dv, j + 1, T_LLM)) this.flags |= F_LLM;
    } else if (t4 === T4_DURATION) {
      if (endsWith(dv, j, ls, K_DURATION)) slot = S_DURATION;
    } else if (t4 === T4_INFER) {
      if (endsWith(dv, j, ls, K_TO_INFER)) {
        this.flags |= F_TO_INFER;
        slot = S_TO_INFER;
      } else if (allFields && wholeKey(dv, j, ls, K_INFER)) {
        this.flags |= F_LATER_INFER;
        slot = S_LATER_INFER;
      }
    } else if (t4 === T4_PREFILL) {
      if (endsWith(dv, j, ls, K_TO_PREFILL)) slot = S_TO_INFER + 1;
      else if (allFields && wholeKey(dv, j, ls, K_PREFILL)) slot = S_LATER_INFER + 1;
    } else if (t4 === T4_DECODE) {
      if (endsWith(dv, j, ls, K_TO_DECODE)) slot = S_TO_INFER + 2;
      else if (allFields && wholeKey(dv, j, ls, K_DECODE)) slot = S_LATER_INFER + 2;
    } else if (t4 === T4_LEN) {
      if (endsWith(dv, j, ls, K_TO_PREFILL_LEN)) slot = S_TO_INFER + 3;
      else if (endsWith(dv, j, ls, K_TO_DECODE_LEN)) slot = S_TO_INFER + 4;
    } else if (allFields && t4 === T4_TOKENS) {
      if (wholeKey(dv, j, ls, K_INPUT)) slot = S_LATER_INFER + 3;
      else if (wholeKey(dv, j, ls, K_OUTPUT)) slot = S_LATER_INFER + 4;
    }
    // First match wins: a key's first occurrence that is followed by a digit.
    if (slot >= 0 && (this.slots & (1 << slot)) === 0 && isDigit(b[j + 1]!)) {
      this.slots |= 1 << slot;
      this.pos[slot] = j + 1;
    }
  }

  /** Feeds the values of the line `[ls, at)` (`at` is its `\n`) and counts it. */
  private endLine(ls: number, at: number, f: number, slots: number): void {
    const r = this.r;
    this.lineNo++;
    r.lines++;
    const tool = (f & F_TOOL) !== 0;
    const expert = (f & F_EXPERT) !== 0;
    const llm = (f & F_LLM) !== 0;
    const seed = llm && (f & F_TO_INFER) !== 0;
    const later = llm && !seed && (f & F_LATER_INFER) !== 0;
    if (llm && !seed && !later) r.ignoredLlmCalls++;
    let got = false;
    // Python's float() reads more than ~309 digits as inf, and numpy's histogram then fails on the run: such a
    // value is left out and its line reported, so one corrupt line cannot void everyone's statistics.
    let tooLarge = false;
    if ((tool || expert) && (slots & (1 << S_DURATION)) !== 0) {
      const v = parseNumber(this.buf, this.pos[S_DURATION]!);
      if (v === Infinity) tooLarge = true;
      else {
        if (tool) this.out[0]!.push(v);
        if (expert) this.out[1]!.push(v);
        got = true;
      }
    }
    if (seed || later) {
      const base = seed ? S_TO_INFER : S_LATER_INFER;
      for (let k = 0; k < 5; k++) {
        if ((slots & (1 << (base + k))) === 0) continue;
        const v = parseNumber(this.buf, this.pos[base + k]!);
        if (v === Infinity) tooLarge = true;
        else {
          this.out[2 + k]!.push(v);
          got = true;
        }
      }
    }
    const qualifies = tool || expert || seed || later || (f & F_TYPE) === 0;
    if (got || tooLarge) this.recognised = true;
    // Markers are searched for only where they matter: in a qualifying line without a value, and until the
    // file has shown one recognisable line (usually its first).
    const marked =
      (!this.recognised || (!got && qualifies)) &&
      (contains(this.buf, ls, at, M_PROFILE) || contains(this.buf, ls, at, M_USER_JUDGE));
    if (marked) this.recognised = true;
    if (tooLarge || (!got && marked && qualifies)) {
      r.unusable++;
      if (r.unusableSamples.length < MAX_SAMPLES)
        r.unusableSamples.push({ file: this.file, line: this.lineNo });
    }
  }
}

/**
 * Reads one log file, or every file of a directory matching `glob` (default `tau2_*.log`) in sorted order
 * (Python `sorted(glob(...))`: code-unit order of the names). Throws an Error naming a missing path.
 *
 * Lines are split where Python's `str.splitlines()` splits the text the legacy analyzer decoded with
 * `errors="replace"`: at `\n`, `\r\n`, `\r`, `\v`, `\f`, `\x1c`–`\x1e` and the UTF-8 of U+0085, U+2028 and
 * U+2029 (invalid UTF-8 never hides these bytes, and the reader works on the bytes). So `a=1\rtype=tool_call`
 * is two lines, as it was for the legacy analyzer.
 * A line counts for `tool_call` / `expert_call` when it contains `type=tool_call` / `type=expert_call`
 * anywhere, and its value is the first `duration_ms=` followed by digits (also inside `total_duration_ms=`,
 * as the legacy `re.search` found it). A line with `type=llm_call` and `toolorchestra_vllm_infer_ms=`
 * anywhere feeds the five vLLM metrics from the keys `toolorchestra_vllm_{infer_ms,prefill_ms,decode_ms,
 * prefill_len,decode_len}`, each independently (a missing or non-numeric one is skipped alone). Values are the
 * text `[0-9]+(\.[0-9]+)?` after the key, converted as Python's `float()` does, bit for bit. A value too large
 * for a double (`float()` gives `inf`; the legacy analyzer then failed) is skipped too, and its line counted
 * as unusable.
 *
 * `options.allFields` also reads the later logger generation: an `llm_call` line WITHOUT
 * `toolorchestra_vllm_infer_ms=` but WITH the whole key `vllm_infer_ms=` (at the line start or after a space)
 * feeds the same five metrics from `vllm_infer_ms`, `prefill_ms`, `decode_ms`, `input_tokens` and
 * `output_tokens`, each matched only as a whole key (so `prefill_ms=` never matches inside
 * `toolorchestra_vllm_prefill_ms=`), first digit-led match per key as above. Lines with
 * `toolorchestra_vllm_infer_ms=` are read exactly as without the option, whatever later keys they carry, so
 * logs of the seed generation give identical results; such a later-generation line that yields no value is
 * unusable like any qualifying line. `expert_call` lines are unchanged: only `duration_ms` counts, their
 * later `prefill_ms=` etc. are not read. `ignoredLlmCalls` then counts only the `llm_call` lines that have
 * neither infer key.
 */
export function parseLegacyLogs(
  path: string,
  glob = 'tau2_*.log',
  options: LegacyParseOptions = {},
): LegacyParseResult {
  return parseLegacyFiles(legacyLogFiles(path, glob), options);
}

/**
 * Reads the given files in the given order, as {@link parseLegacyLogs} reads the files of a path (for a
 * caller that has listed and checked them itself).
 */
export function parseLegacyFiles(files: string[], options: LegacyParseOptions = {}): LegacyParseResult {
  const r: LegacyParseResult = {
    values: new Map(LEGACY_METRICS.map((x) => [x.name, new Float64Buffer()])),
    files: [...files],
    lines: 0,
    unusable: 0,
    unusableSamples: [],
    ignoredLlmCalls: 0,
    unrecognisedFiles: [],
  };
  const scanner = new Scanner(r, options.allFields === true, options.chunkSize ?? CHUNK);
  for (const f of files) scanner.readFile(f);
  return r;
}
