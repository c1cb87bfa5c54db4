/**
 * JSON as Python's `json` module reads and writes it. tau2-bench serialises tool results with `json.dumps`, and
 * its tools see arguments as `json.loads` gives them, where `2` is an int and `2.0` a float that prints as
 * `2.0`: `JSON.parse` would merge the two. Here a Python int is a `bigint` and a Python float a `number`, so
 * the distinction survives a round trip.
 */
import { isInteger, parse } from 'lossless-json';
import { pyFloatRepr } from '../export/legacy/json.js';

/** A value as Python's `json.loads` returns it: `bigint` is a Python int, `number` a Python float. */
export type PyValue = null | boolean | string | bigint | number | PyValue[] | { [key: string]: PyValue };

/**
 * `json.loads(text)`: numbers without a fraction or exponent become `bigint`, the others `number`. Objects keep
 * their keys in text order, as a Python dict does, also integer-like keys (see {@link orderedDict}).
 */
export function loadsPy(text: string): PyValue {
  const value = parse(text, null, parseNumber) as PyValue;
  // A JS object lists integer-like keys first, in numeric order; only then is a second, order-keeping pass
  // needed (tau2's retail keys variants by item ids such as "1008292230").
  return hasIndexKey(value) ? new OrderedReader(text).value() : value;
}

const parseNumber = (digits: string): bigint | number =>
  isInteger(digits) ? BigInt(digits) : Number.parseFloat(digits);

// Keys that a JS object would move to the front: array indices, canonical integers below 2^32 - 1.
const isIndexKey = (k: string): boolean => /^(0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;

function hasIndexKey(v: PyValue): boolean {
  if (Array.isArray(v)) return v.some(hasIndexKey);
  if (v === null || typeof v !== 'object') return false;
  return Object.entries(v).some(([k, x]) => isIndexKey(k) || hasIndexKey(x));
}

/**
 * A dict with `entries` in this order. A plain object when no key is integer-like (JS keeps insertion order
 * then); otherwise a Proxy whose key order is insertion order, as a Python dict's is: `Object.keys`,
 * `Object.entries`, `json.dumps` and later assignments all see and keep it.
 */
export function orderedDict(entries: Iterable<[string, PyValue]>): { [key: string]: PyValue } {
  const target: { [key: string]: PyValue } = {};
  const order: string[] = [];
  for (const [k, v] of entries) {
    if (!Object.hasOwn(target, k)) order.push(k);
    target[k] = v;
  }
  if (!order.some(isIndexKey)) return target;
  return new Proxy(target, {
    ownKeys: () => [...order],
    defineProperty(t, k, desc) {
      if (typeof k === 'string' && !Object.hasOwn(t, k)) order.push(k);
      return Reflect.defineProperty(t, k, desc);
    },
    deleteProperty(t, k) {
      const i = order.indexOf(k as string);
      if (i !== -1) order.splice(i, 1);
      return Reflect.deleteProperty(t, k);
    },
  });
}

/** A reader of JSON text already checked by lossless-json, building objects with {@link orderedDict}. */
class OrderedReader {
  private i = 0;
  constructor(private readonly text: string) {}

  value(): PyValue {
    this.skip();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (this.text.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    const m = /-?\d+(\.\d+)?([eE][-+]?\d+)?/y;
    m.lastIndex = this.i;
    const digits = m.exec(this.text)![0];
    this.i += digits.length;
    return parseNumber(digits);
  }

  private skip(): void {
    while (/\s/.test(this.text[this.i] ?? '')) this.i++;
  }

  private string(): string {
    const start = this.i;
    this.i++;
    while (this.text[this.i] !== '"') this.i += this.text[this.i] === '\\' ? 2 : 1;
    this.i++;
    return JSON.parse(this.text.slice(start, this.i)) as string;
  }

  private array(): PyValue[] {
    const out: PyValue[] = [];
    this.i++;
    this.skip();
    while (this.text[this.i] !== ']') {
      out.push(this.value());
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      this.skip();
    }
    this.i++;
    return out;
  }

  private object(): { [key: string]: PyValue } {
    const entries: [string, PyValue][] = [];
    this.i++;
    this.skip();
    while (this.text[this.i] !== '}') {
      const key = this.string();
      this.skip();
      this.i++; // ':'
      entries.push([key, this.value()]);
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      this.skip();
    }
    this.i++;
    return orderedDict(entries);
  }
}

/** Options of {@link dumpsPy}, named and defaulted as `json.dumps` names them. */
export interface DumpsOptions {
  /** Default true: every character outside printable ASCII as `\uXXXX`. */
  ensureAscii?: boolean;
  sortKeys?: boolean;
  /** Spaces per level; undefined writes everything on one line. */
  indent?: number;
  /** `[item, key]`; default `[', ', ': ']`, or `[',', ': ']` with an indent. */
  separators?: [string, string];
}

const SHORT: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
};

const NEEDS_ESCAPE = /["\\\x00-\x1f]/;
const NEEDS_ESCAPE_ASCII = /["\\]|[^\x20-\x7e]/;

/** A string as `json.dumps` quotes it (per UTF-16 code unit, as Python escapes astral characters). */
function quote(s: string, ensureAscii: boolean): string {
  // Most strings need no escape at all; hashing a DB quotes every one of them.
  if (!(ensureAscii ? NEEDS_ESCAPE_ASCII : NEEDS_ESCAPE).test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    const code = s.charCodeAt(i);
    const short = SHORT[ch];
    if (short) out += short;
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const SURROGATE = /[\uD800-\uDFFF]/;

// Keys in Python's order. Without surrogates, code units compare as code points and the default sort is right
// (and much faster: hashing a DB sorts every dict's keys).
const sortedKeys = (keys: string[]): string[] =>
  keys.some((k) => SURROGATE.test(k)) ? keys.sort(byCodePoint) : keys.sort();

/** Python orders str keys by code point; JS's default sort compares UTF-16 code units. */
function byCodePoint(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

function floatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Number.POSITIVE_INFINITY) return 'Infinity';
  if (x === Number.NEGATIVE_INFINITY) return '-Infinity';
  // Between 1e-4 and 1e16 both languages write the shortest round-trip digits without an exponent (JS up to
  // 1e21), so String() is Python's repr but for the ".0" of whole numbers; a DB hash writes many such floats.
  const a = Math.abs(x);
  if (a >= 1e-4 && a < 1e16) {
    const text = String(x);
    return text.includes('.') ? text : `${text}.0`;
  }
  return pyFloatRepr(x);
}

/** `json.dumps(value, ...)`, byte for byte. */
export function dumpsPy(value: PyValue, options: DumpsOptions = {}): string {
  const ensureAscii = options.ensureAscii ?? true;
  const indent = options.indent;
  const [itemSep, keySep] = options.separators ?? (indent === undefined ? [', ', ': '] : [',', ': ']);
  const write = (v: PyValue, level: number): string => {
    if (v === null) return 'null';
    if (v === true) return 'true';
    if (v === false) return 'false';
    if (typeof v === 'string') return quote(v, ensureAscii);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return floatText(v);
    if (indent === undefined) return writeLine(v);
    const items = Array.isArray(v)
      ? v.map((x) => write(x, level + 1))
      : (options.sortKeys ? sortedKeys(Object.keys(v)) : Object.keys(v)).map(
          (k) => `${quote(k, ensureAscii)}${keySep}${write(v[k]!, level + 1)}`,
        );
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (items.length === 0) return open + close;
    if (indent === undefined) return open + items.join(itemSep) + close;
    const inner = `\n${' '.repeat(indent * (level + 1))}`;
    return `${open}${inner}${items.join(itemSep + inner)}\n${' '.repeat(indent * level)}${close}`;
  };
  // The one-line form (hashes, tool outputs): every piece pushed to one list, joined once (a DB hash writes
  // megabytes; nested concatenations made most of that time garbage collection).
  const writeLine = (v: PyValue[] | { [key: string]: PyValue }): string => {
    const parts: string[] = [];
    const put = (x: PyValue): void => {
      if (x === null || typeof x !== 'object') parts.push(write(x, 0));
      else if (Array.isArray(x)) {
        parts.push('[');
        for (let i = 0; i < x.length; i++) {
          if (i > 0) parts.push(itemSep);
          put(x[i]!);
        }
        parts.push(']');
      } else {
        const keys = options.sortKeys ? sortedKeys(Object.keys(x)) : Object.keys(x);
        parts.push('{');
        for (let i = 0; i < keys.length; i++) {
          if (i > 0) parts.push(itemSep);
          parts.push(quote(keys[i]!, ensureAscii), keySep);
          put(x[keys[i]!]!);
        }
        parts.push('}');
      }
    };
    put(v);
    return parts.join('');
  };
  return write(value, 0);
}
