/**
 * Legacy log lines as records: `[PROFILE] 2025-12-24 04:28:25.388 task=… thread=… type=… key=value …`.
 * Unlike the stats reader (which keeps the legacy analyzer's substring semantics), this reads a line the way
 * its logger wrote it: one level marker, one timestamp, then space-separated `key=value` fields.
 */

import { VLLM_FIGURES } from './names.js';

/** One parsed PROFILE / USER_JUDGE line. */
export interface LegacyRecord {
  level: 'PROFILE' | 'USER_JUDGE';
  /**
   * The line's timestamp in epoch nanoseconds, read as UTC (the legacy format carries no zone; `tau2-trace logs`
   * writes UTC).
   */
  timeNs: bigint;
  fields: Map<string, string>;
  /** 1-based line number in its file. */
  line: number;
}

// Colour codes some terminals' log handlers leave in files.
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g;
// Sticky: matched exactly where the level marker ends, no scanning.
const STAMP = /\s+(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:[.,](\d{1,9}))?\s+/y;

/**
 * Undoes the `%XX` escapes `tau2-trace logs` writes for the bytes a field cannot hold (see
 * `escapeLogValue` in to-logs.ts); a value without `%` is returned as it is.
 */
export function unescapeLogValue(v: string): string {
  if (!v.includes('%')) return v;
  return v.replace(/(?:%[0-9A-Fa-f]{2})+/g, (run) =>
    Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'),
  );
}

/** Parses one line (no newline); undefined when it is not a usable PROFILE/USER_JUDGE line. */
export function parseRecord(raw: string, line: number): LegacyRecord | undefined {
  const text = raw.includes('\x1b') ? raw.replace(ANSI, '') : raw;
  // The first marker of the line is its level: one inside a value further on (a task id that contains
  // `[PROFILE]`) must not hide the real one.
  const p = text.indexOf('[PROFILE]');
  const u = text.indexOf('[USER_JUDGE]');
  if (p === -1 && u === -1) return undefined;
  const level: LegacyRecord['level'] = u !== -1 && (p === -1 || u < p) ? 'USER_JUDGE' : 'PROFILE';
  const at = level === 'PROFILE' ? p : u;
  STAMP.lastIndex = at + level.length + 2;
  const m = STAMP.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac = ''] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (!Number.isFinite(ms)) return undefined;
  const fields = new Map<string, string>();
  const rest = text.slice(STAMP.lastIndex);
  for (const token of rest.includes('\t') ? rest.split(/\s+/) : rest.split(' ')) {
    const eq = token.indexOf('=');
    if (eq <= 0) continue;
    const key = token.slice(0, eq);
    // The first occurrence wins, as the legacy analyzer's re.search would have it.
    if (!fields.has(key)) fields.set(key, unescapeLogValue(token.slice(eq + 1)));
  }
  const timeNs = BigInt(ms) * 1_000_000n + BigInt(frac.padEnd(9, '0'));
  return { level, timeNs, fields, line };
}

const DIGITS = /^[0-9]+(?:\.[0-9]+)?$/;

/**
 * A non-negative finite number as the logger printed it (`12`, `12.50`); undefined for `nan`, `inf`, negative
 * or malformed values, and for digits beyond the range of a double (which `Number` reads as Infinity).
 */
export function numberField(r: LegacyRecord, key: string): number | undefined {
  const v = r.fields.get(key);
  if (v === undefined || !DIGITS.test(v)) return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** The numeric keys a trial is rebuilt from: durations, the step index and both generations' vLLM keys. */
export const NUMERIC_KEYS = [
  'duration_ms',
  'total_duration_ms',
  'step',
  ...VLLM_FIGURES.map((f) => f.key),
  ...VLLM_FIGURES.map((f) => f.laterKey),
];

/** The first of {@link NUMERIC_KEYS} whose value is digits too many for a double (a corrupt line), if any. */
export function tooLargeField(r: LegacyRecord): string | undefined {
  for (const key of NUMERIC_KEYS) {
    const v = r.fields.get(key);
    if (v !== undefined && DIGITS.test(v) && !Number.isFinite(Number(v))) return key;
  }
  return undefined;
}

/** The vLLM timings (ms) and token counts of a call line, from the seed keys or else the later generation's. */
export function vllmTimings(r: LegacyRecord) {
  const n = (i: number) => numberField(r, VLLM_FIGURES[i]!.key) ?? numberField(r, VLLM_FIGURES[i]!.laterKey);
  // Spelled out (not built from the table) so the result keeps a precise type; the order is VLLM_FIGURES'.
  return { infer: n(0), ttft: n(1), decode: n(2), input: n(3), output: n(4) };
}
