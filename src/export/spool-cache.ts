/**
 * A decoded copy of a spool, kept beside it as `<spool>.cache`, so that reading a large spool a second time
 * (a report after `stats`, a compare after a report) skips parsing its OTLP/JSON. Parsing is what bounds
 * reading: V8's `JSON.parse` alone manages about 140 MB/s of spool here, and OTLP/JSON spells every attribute
 * as a `{key, value: {stringValue}}` object, so 300,000 spans are 300 MB of text.
 *
 * The cache is columns: one table of distinct strings (ids, names and string values, each stored once), span
 * fields as typed arrays, every attribute of every span and event as a row of a type/number/string table, and
 * each distinct list of attribute keys once, in the header. Reading it is a file read, one decode of the
 * string table, and the making of the span records, nothing else.
 *
 * It is only ever a copy: it names the spool's size, modification time and inode, and a cache that does not
 * match the spool as it is now (the spool grew, was rewritten or replaced), that is of another format
 * version, or that does not decode, is ignored and written anew. A spool that changed while it was read is
 * not cached. It is written to a temporary file and renamed, so readers never see half of one; where it
 * cannot be written (a read-only directory), reading simply parses the spool every time. Deleting it loses
 * nothing.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AttrValue, SpoolContents, SpoolSpan } from './spool-reader.js';

/** The cache's file name: the spool's, plus this. */
export const CACHE_SUFFIX = '.cache';
/** Below this size a spool parses in well under a second and is not worth a second file. */
export const CACHE_MIN_BYTES = 8 * 2 ** 20;

const MAGIC = Buffer.from('tau2spc\n');
const VERSION = 4;

/** What names the spool as the cache saw it. */
interface Stamp {
  size: number;
  mtimeMs: number;
  ino: number;
}

export function stampOf(path: string): Stamp {
  const s = statSync(path);
  return { size: s.size, mtimeMs: s.mtimeMs, ino: s.ino };
}

const sameStamp = (a: Stamp, b: Stamp) => a.size === b.size && a.mtimeMs === b.mtimeMs && a.ino === b.ino;

/** Attribute value types in the cache's `type` column. */
enum T {
  Undefined = 0,
  String = 1,
  Number = 2,
  False = 3,
  True = 4,
  /** An array: its JSON, in the string table. */
  Json = 5,
}

/** The typed-array columns, in file order. */
const COLUMNS = {
  traceId: Int32Array,
  spanId: Int32Array,
  parent: Int32Array,
  name: Int32Array,
  kind: Int32Array,
  statusCode: Int32Array,
  statusMessage: Int32Array,
  resource: Int32Array,
  attrStart: Int32Array,
  attrShape: Int32Array,
  eventStart: Int32Array,
  eventCount: Int32Array,
  // OTLP's fixed64: unsigned.
  start: BigUint64Array,
  end: BigUint64Array,
  eventName: Int32Array,
  eventAttrStart: Int32Array,
  eventAttrShape: Int32Array,
  attrType: Uint8Array,
  attrNumber: Float64Array,
  attrString: Int32Array,
  stringEnds: Uint32Array,
} as const;
type ColumnName = keyof typeof COLUMNS;
type Columns = { [K in ColumnName]: InstanceType<(typeof COLUMNS)[K]> };

interface Header {
  version: number;
  spool: Stamp;
  requests: number;
  badLines: number[];
  resources: Record<string, AttrValue>[];
  /** The distinct key lists of attribute sets, in order; a span's or event's `…Shape` is an index here. */
  shapes: string[][];
  /** Element counts of each column, in {@link COLUMNS} order. */
  lengths: number[];
  /** Bytes of the string table, which follows the columns. */
  stringBytes: number;
  /**
   * How the string table is encoded: UTF-8, unless a string holds a lone surrogate (OTLP/JSON can carry one,
   * as `\ud83d`, from a cut emoji), which UTF-8 cannot; then UTF-16, which keeps it.
   */
  stringEncoding: 'utf8' | 'utf16le';
}

const sameKeys = (a: string[], b: string[]) => a.length === b.length && a.every((k, i) => k === b[i]);

/** Distinct items in first-seen order, each named by its index. */
class Interned<K, V> {
  private readonly ids = new Map<K, number>();
  readonly items: V[] = [];

  /** The index of the item named `key`, added as `item` if new. */
  id(key: K, item: V): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.items.length;
      this.items.push(item);
      this.ids.set(key, id);
    }
    return id;
  }

  /** The index of the item named `key`, if it is there. */
  find(key: K): number | undefined {
    return this.ids.get(key);
  }
}

/** Builds the columns while interning strings, resources and key lists. */
class Encoder {
  readonly strings = new Interned<string, string>();
  readonly resources = new Interned<Record<string, AttrValue>, Record<string, AttrValue>>();
  readonly shapes = new Interned<string, string[]>();
  readonly cols: { [K in ColumnName]: (number | bigint)[] } = Object.fromEntries(
    Object.keys(COLUMNS).map((k) => [k, []]),
  ) as unknown as { [K in ColumnName]: (number | bigint)[] };

  str(s: string | undefined): number {
    return s === undefined ? -1 : this.strings.id(s, s);
  }

  /** Appends the values of an attribute set; returns the id of its key list (they start at `attrType.length`). */
  attributes(attrs: Record<string, AttrValue>): number {
    const keys = Object.keys(attrs);
    // Joined with NUL, which is fast; keys holding NUL themselves could make two lists join alike, so a hit
    // is checked, and a list it does not match is named by its JSON instead.
    const joined = keys.join('\u0000');
    const hit = this.shapes.find(joined);
    const clash = hit !== undefined && !sameKeys(this.shapes.items[hit]!, keys);
    const shape = this.shapes.id(clash ? JSON.stringify(keys) : joined, keys);
    for (const key of keys) {
      const v = attrs[key];
      if (typeof v === 'string') this.attribute(T.String, 0, this.str(v));
      else if (typeof v === 'number') this.attribute(T.Number, v, -1);
      else if (typeof v === 'boolean') this.attribute(v ? T.True : T.False, 0, -1);
      else if (v === undefined) this.attribute(T.Undefined, 0, -1);
      else this.attribute(T.Json, 0, this.str(JSON.stringify(v)));
    }
    return shape;
  }

  private attribute(type: T, num: number, str: number): void {
    this.cols.attrType.push(type);
    this.cols.attrNumber.push(num);
    this.cols.attrString.push(str);
  }

  span(s: SpoolSpan): void {
    const c = this.cols;
    c.traceId.push(this.str(s.traceId));
    c.spanId.push(this.str(s.spanId));
    c.parent.push(this.str(s.parentSpanId));
    c.name.push(this.str(s.name));
    c.kind.push(s.kind);
    c.statusCode.push(s.status.code);
    c.statusMessage.push(this.str(s.status.message));
    c.resource.push(this.resources.id(s.resource, s.resource));
    c.start.push(fixed64(s.startNs));
    c.end.push(fixed64(s.endNs));
    c.attrStart.push(c.attrType.length);
    c.attrShape.push(this.attributes(s.attributes));
    c.eventStart.push(c.eventName.length);
    c.eventCount.push(s.events.length);
    for (const e of s.events) {
      c.eventName.push(this.str(e.name));
      c.eventAttrStart.push(c.attrType.length);
      c.eventAttrShape.push(this.attributes(e.attributes));
    }
  }

  /** The string table as one text, and where each string ends in it (UTF-16 code units). */
  stringTable(): { text: string; ends: number[] } {
    const ends: number[] = [];
    let at = 0;
    for (const s of this.strings.items) {
      at += s.length;
      ends.push(at);
    }
    return { text: this.strings.items.join(''), ends };
  }
}

const pad8 = (n: number) => (8 - (n % 8)) % 8;

/** A time as its column stores it; one outside OTLP's unsigned 64 bits would wrap, so no cache is written. */
function fixed64(ns: bigint): bigint {
  if (ns < 0n || ns >= 2n ** 64n) throw new RangeError(`${ns}: not an OTLP time (fixed64)`);
  return ns;
}

/** The cache's bytes for spool contents read from a spool whose stamp was `spool`. */
export function encodeSpoolCache(contents: SpoolContents, spool: Stamp): Buffer {
  const enc = new Encoder();
  for (const s of contents.spans) enc.span(s);
  const { text, ends } = enc.stringTable();
  enc.cols.stringEnds = ends;
  const names = Object.keys(COLUMNS) as ColumnName[];
  const arrays = names.map((k) => {
    const Type = COLUMNS[k] as unknown as { from(a: ArrayLike<number | bigint>): ArrayBufferView };
    return Type.from(enc.cols[k]);
  });
  // String.prototype.isWellFormed (Node 20) is newer than this project's TypeScript library.
  const wellFormed = (text as string & { isWellFormed(): boolean }).isWellFormed();
  const stringEncoding = wellFormed ? 'utf8' : 'utf16le';
  const strings = Buffer.from(text, stringEncoding);
  const header: Header = {
    version: VERSION,
    spool,
    requests: contents.requests,
    badLines: contents.badLines,
    resources: enc.resources.items,
    shapes: enc.shapes.items,
    lengths: names.map((k) => enc.cols[k].length),
    stringBytes: strings.length,
    stringEncoding,
  };
  const headerBytes = Buffer.from(JSON.stringify(header), 'utf8');
  const lengthField = Buffer.alloc(8);
  lengthField.writeUInt32LE(VERSION, 0);
  lengthField.writeUInt32LE(headerBytes.length, 4);
  const parts: Buffer[] = [MAGIC, lengthField, headerBytes];
  let at = MAGIC.length + 8 + headerBytes.length;
  const pad = (n: number) => {
    if (n > 0) parts.push(Buffer.alloc(n));
    at += n;
  };
  pad(pad8(at));
  for (const a of arrays) {
    parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
    at += a.byteLength;
    pad(pad8(at));
  }
  parts.push(strings);
  return Buffer.concat(parts);
}

/** Typed-array views of the columns in a cache file's bytes; undefined when they are not a whole cache. */
function decodeColumns(buf: Buffer): { header: Header; cols: Columns; text: string } | undefined {
  if (buf.length < MAGIC.length + 8 || !buf.subarray(0, MAGIC.length).equals(MAGIC)) return undefined;
  if (buf.readUInt32LE(MAGIC.length) !== VERSION) return undefined;
  const headerLength = buf.readUInt32LE(MAGIC.length + 4);
  let at = MAGIC.length + 8;
  if (at + headerLength > buf.length) return undefined;
  const header = JSON.parse(buf.toString('utf8', at, at + headerLength)) as Header;
  at += headerLength;
  at += pad8(at);
  // Views need their element alignment; a Buffer may sit anywhere in its memory.
  const bytes = buf.byteOffset % 8 === 0 ? buf : Buffer.from(buf);
  const cols = {} as Record<ColumnName, ArrayBufferView>;
  const names = Object.keys(COLUMNS) as ColumnName[];
  for (const [i, k] of names.entries()) {
    const Type = COLUMNS[k];
    const n = header.lengths[i] ?? -1;
    const size = n * Type.BYTES_PER_ELEMENT;
    if (n < 0 || at + size > bytes.length) return undefined;
    cols[k] = new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset + at, n);
    at += size + pad8(size);
  }
  if (at + header.stringBytes !== bytes.length) return undefined;
  const text = bytes.toString(
    header.stringEncoding === 'utf16le' ? 'utf16le' : 'utf8',
    at,
    at + header.stringBytes,
  );
  return { header, cols: cols as Columns, text };
}

/** Reads attribute row `j`'s value. */
type ValueAt = (j: number) => AttrValue;
/** Makes the attribute set whose values start at row `j`. */
type MakeAttributes = (value: ValueAt, j: number) => Record<string, AttrValue>;

/**
 * One maker per key list: an object literal of fixed keys, which V8 creates from one hidden class, where
 * adding 20 keys one by one to `{}` would leave a slow dictionary object. Keys go in as JSON string literals;
 * a list with `__proto__` (which a literal would take for the prototype) is set key by key, as parsing does.
 */
function makerOf(keys: string[]): MakeAttributes {
  if (keys.includes('__proto__')) {
    return (value, j) => {
      const out: Record<string, AttrValue> = {};
      for (const [n, k] of keys.entries()) out[k] = value(j + n);
      return out;
    };
  }
  const fields = keys.map((k, n) => `${JSON.stringify(k)}: value(j + ${n})`).join(', ');
  return new Function('value', 'j', `return { ${fields} };`) as MakeAttributes;
}

/** The string table's strings, cut from its text at their ends. */
function stringsOf(text: string, ends: Uint32Array): string[] {
  const strings = new Array<string>(ends.length);
  for (let i = 0, from = 0; i < ends.length; i++) {
    strings[i] = text.slice(from, ends[i]);
    from = ends[i]!;
  }
  return strings;
}

/** Reads attribute rows' values from the columns. */
function valueReader(cols: Columns, strings: string[]): ValueAt {
  const json = new Map<number, AttrValue>();
  return (j) => {
    switch (cols.attrType[j]) {
      case T.String:
        return strings[cols.attrString[j]!];
      case T.Number:
        return cols.attrNumber[j];
      case T.False:
        return false;
      case T.True:
        return true;
      case T.Json: {
        const id = cols.attrString[j]!;
        if (!json.has(id)) json.set(id, JSON.parse(strings[id]!) as AttrValue);
        // Each span gets its own array, as parsing gives it.
        return structuredCloneArray(json.get(id));
      }
      default:
        return undefined;
    }
  };
}

/** The spans of decoded columns, as the spool reader makes them. */
function spansOf(cols: Columns, text: string, header: Header): SpoolSpan[] {
  const strings = stringsOf(text, cols.stringEnds);
  const value = valueReader(cols, strings);
  const makers = header.shapes.map(makerOf);
  const attributes = (start: number, shape: number) => makers[shape]!(value, start);
  const { resources } = header;
  const n = cols.spanId.length;
  const spans = new Array<SpoolSpan>(n);
  for (let i = 0; i < n; i++) {
    const parent = cols.parent[i]!;
    const message = cols.statusMessage[i]!;
    const e0 = cols.eventStart[i]!;
    const events: SpoolSpan['events'] = [];
    for (let e = e0; e < e0 + cols.eventCount[i]!; e++) {
      events.push({
        name: strings[cols.eventName[e]!]!,
        attributes: attributes(cols.eventAttrStart[e]!, cols.eventAttrShape[e]!),
      });
    }
    spans[i] = {
      traceId: strings[cols.traceId[i]!]!,
      spanId: strings[cols.spanId[i]!]!,
      parentSpanId: parent < 0 ? undefined : strings[parent],
      name: strings[cols.name[i]!]!,
      kind: cols.kind[i]!,
      startNs: cols.start[i]!,
      endNs: cols.end[i]!,
      attributes: attributes(cols.attrStart[i]!, cols.attrShape[i]!),
      events,
      status: { code: cols.statusCode[i]!, ...(message >= 0 ? { message: strings[message]! } : {}) },
      resource: resources[cols.resource[i]!]!,
    };
  }
  return spans;
}

/** A fresh copy of a parsed JSON array attribute (nested arrays too); other values as they are. */
function structuredCloneArray(v: AttrValue): AttrValue {
  return Array.isArray(v) ? v.map(structuredCloneArray) : v;
}

/** The spool's contents from its cache, if there is one that matches the spool as it is now. */
export function readSpoolCache(spool: string): SpoolContents | undefined {
  let buf: Buffer;
  try {
    buf = readFileSync(spool + CACHE_SUFFIX);
  } catch {
    return undefined;
  }
  try {
    const decoded = decodeColumns(buf);
    if (!decoded || !sameStamp(decoded.header.spool, stampOf(spool))) return undefined;
    const { header, cols, text } = decoded;
    return {
      spans: spansOf(cols, text, header),
      badLines: header.badLines,
      requests: header.requests,
    };
  } catch {
    // Not a cache this version can read (or torn by a full disk): the spool itself is read instead.
    return undefined;
  }
}

/**
 * Writes the cache of a spool whose contents were read while its stamp was `before`, unless the spool has
 * changed since. Returns whether a cache was written; a directory that refuses it is not an error.
 */
export function writeSpoolCache(spool: string, contents: SpoolContents, before: Stamp): boolean {
  if (!sameStamp(before, stampOf(spool))) return false;
  const target = spool + CACHE_SUFFIX;
  const temp = `${target}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    writeFileSync(temp, encodeSpoolCache(contents, before));
    renameSync(temp, target);
    return true;
  } catch {
    rmSync(temp, { force: true });
    return false;
  }
}
