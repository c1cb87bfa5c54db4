/**
 * Python's `json.loads` (CPython 3.12's C scanner, `strict=True`) with its exceptions: tau2 parses its judge's
 * answer with it, and when that fails the `JSONDecodeError` (its message with line, column and char position)
 * is what ends the evaluation. `util/pyjson.ts` parses valid JSON the same way but fails with other texts, so
 * the judge's answer goes through this port instead.
 */
import type { PyValue } from '../../../util/pyjson.js';
import { type PyDict, PyError, typeError } from '../env/python.js';

/** `JSONDecodeError(msg, doc, pos)`: `str()` adds the line, column and char, all counted in code points. */
function decodeError(msg: string, doc: readonly string[], pos: number): PyError {
  const before = doc.slice(0, pos);
  const lineno = before.filter((c) => c === '\n').length + 1;
  const colno = pos - before.lastIndexOf('\n');
  return new PyError('JSONDecodeError', `${msg}: line ${lineno} column ${colno} (char ${pos})`);
}

// The scanner raises StopIteration(idx) where no value starts; `raw_decode` turns it into "Expecting value".
class StopIteration {
  constructor(readonly idx: number) {}
}

const isWs = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const HEX = /^[0-9a-fA-F]$/;
const ESCAPES: Record<string, string> = {
  '"': '"',
  '\\': '\\',
  '/': '/',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
};

/** The scanner over a string as Python indexes it (one element per code point). */
class Scanner {
  constructor(readonly s: readonly string[]) {}

  skipWs(idx: number): number {
    while (isWs(this.s[idx])) idx++;
    return idx;
  }

  /** `scan_once(s, idx)`: the value starting at idx and the index after it. */
  value(idx: number): [PyValue, number] {
    const s = this.s;
    if (idx >= s.length) throw new StopIteration(idx);
    const word = (w: string) => s.slice(idx, idx + w.length).join('') === w;
    switch (s[idx]) {
      case '"':
        return this.string(idx + 1);
      case '{':
        return this.object(idx + 1);
      case '[':
        return this.array(idx + 1);
      case 'n':
        if (word('null')) return [null, idx + 4];
        break;
      case 't':
        if (word('true')) return [true, idx + 4];
        break;
      case 'f':
        if (word('false')) return [false, idx + 5];
        break;
      case 'N':
        if (word('NaN')) return [Number.NaN, idx + 3];
        break;
      case 'I':
        if (word('Infinity')) return [Number.POSITIVE_INFINITY, idx + 8];
        break;
      case '-':
        if (word('-Infinity')) return [Number.NEGATIVE_INFINITY, idx + 9];
        break;
    }
    return this.number(idx);
  }

  number(start: number): [PyValue, number] {
    const s = this.s;
    let idx = start;
    if (s[idx] === '-') {
      idx++;
      if (idx >= s.length) throw new StopIteration(start);
    }
    if (s[idx] !== undefined && s[idx]! >= '1' && s[idx]! <= '9') {
      idx++;
      while (isDigit(s[idx])) idx++;
    } else if (s[idx] === '0') idx++;
    else throw new StopIteration(start);
    let isFloat = false;
    // A fraction needs a digit after the '.', an exponent at least one digit (else the scanner backtracks).
    if (s[idx] === '.' && isDigit(s[idx + 1])) {
      isFloat = true;
      idx += 2;
      while (isDigit(s[idx])) idx++;
    }
    if (idx < s.length - 1 && (s[idx] === 'e' || s[idx] === 'E')) {
      const eStart = idx;
      idx++;
      if (idx < s.length - 1 && (s[idx] === '-' || s[idx] === '+')) idx++;
      while (isDigit(s[idx])) idx++;
      if (isDigit(s[idx - 1])) isFloat = true;
      else idx = eStart;
    }
    const text = s.slice(start, idx).join('');
    return [isFloat ? Number.parseFloat(text) : BigInt(text), idx];
  }

  /** `scanstring(s, end)`: `end` is just after the opening quote. */
  string(end: number): [string, number] {
    const s = this.s;
    const begin = end - 1;
    let out = '';
    for (;;) {
      let next = end;
      let c: string | undefined;
      for (; next < s.length; next++) {
        c = s[next]!;
        if (c === '"' || c === '\\') break;
        if (c.codePointAt(0)! <= 0x1f) throw decodeError('Invalid control character at', s, next);
      }
      if (next >= s.length) throw decodeError('Unterminated string starting at', s, begin);
      out += s.slice(end, next).join('');
      next++;
      if (c === '"') return [out, next];
      if (next === s.length) throw decodeError('Unterminated string starting at', s, begin);
      c = s[next]!;
      if (c !== 'u') {
        end = next + 1;
        const esc = ESCAPES[c];
        if (esc === undefined) throw decodeError('Invalid \\escape', s, end - 2);
        out += esc;
        continue;
      }
      next++;
      end = next + 4;
      if (end >= s.length) throw decodeError('Invalid \\uXXXX escape', s, next - 1);
      const hex4 = (from: number, to: number): number => {
        const digits = s.slice(from, to);
        if (!digits.every((d) => HEX.test(d))) throw decodeError('Invalid \\uXXXX escape', s, to - 5);
        return Number.parseInt(digits.join(''), 16);
      };
      let code = hex4(next, end);
      // A high surrogate followed by an escaped low one is one character; anything else stays as it is.
      if (code >= 0xd800 && code <= 0xdbff && end + 6 < s.length && s[end] === '\\' && s[end + 1] === 'u') {
        const low = hex4(end + 2, end + 6);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
          end += 6;
        }
      }
      out += String.fromCodePoint(code);
    }
  }

  object(idx: number): [PyDict, number] {
    const s = this.s;
    const obj: PyDict = {};
    idx = this.skipWs(idx);
    if (s[idx] === '}') return [obj, idx + 1];
    for (;;) {
      if (s[idx] !== '"') throw decodeError('Expecting property name enclosed in double quotes', s, idx);
      const [key, afterKey] = this.string(idx + 1);
      idx = this.skipWs(afterKey);
      if (s[idx] !== ':') throw decodeError("Expecting ':' delimiter", s, idx);
      const [value, afterValue] = this.value(this.skipWs(idx + 1));
      // A repeated key keeps its first place and takes the last value, as a Python dict does.
      Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      idx = this.skipWs(afterValue);
      if (s[idx] === '}') return [obj, idx + 1];
      if (s[idx] !== ',') throw decodeError("Expecting ',' delimiter", s, idx);
      idx = this.skipWs(idx + 1);
    }
  }

  array(idx: number): [PyValue[], number] {
    const s = this.s;
    const list: PyValue[] = [];
    idx = this.skipWs(idx);
    if (s[idx] === ']') return [list, idx + 1];
    for (;;) {
      const [value, after] = this.value(idx);
      list.push(value);
      idx = this.skipWs(after);
      if (s[idx] === ']') return [list, idx + 1];
      if (s[idx] !== ',') throw decodeError("Expecting ',' delimiter", s, idx);
      idx = this.skipWs(idx + 1);
    }
  }
}

/**
 * `json.loads(text)`: ints as bigint, floats as number; throws a {@link PyError} (`JSONDecodeError`, or
 * `TypeError` for None) with Python's message.
 */
export function jsonLoads(text: string | null): PyValue {
  if (text === null) throw typeError('the JSON object must be str, bytes or bytearray, not NoneType');
  const s = Array.from(text);
  if (s[0] === '\ufeff') throw decodeError('Unexpected UTF-8 BOM (decode using utf-8-sig)', s, 0);
  const scanner = new Scanner(s);
  const start = scanner.skipWs(0);
  let value: PyValue;
  let end: number;
  try {
    [value, end] = scanner.value(start);
  } catch (err) {
    if (err instanceof StopIteration) throw decodeError('Expecting value', s, err.idx);
    throw err;
  }
  end = scanner.skipWs(end);
  if (end !== s.length) throw decodeError('Extra data', s, end);
  return value;
}
