import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { CACHE_SUFFIX, stampOf, writeSpoolCache } from '../../src/export/spool-cache.js';
import { readSpool } from '../../src/export/spool-reader.js';
import { tempDir } from '../helpers.js';

/** Every kind of value a spool line can hold, including the awkward ones. */
function line(run: string, spans: number): string {
  const attr = (key: string, value: object) => ({ key, value });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: {
          attributes: [
            attr('service.name', { stringValue: 'tau2-harness' }),
            attr('tau2.run.id', { stringValue: run }),
          ],
        },
        scopeSpans: [
          {
            scope: { name: 'fixture' },
            spans: Array.from({ length: spans }, (_, i) => ({
              traceId: `${run}trace`.padEnd(32, '0'),
              spanId: `${i}`.padStart(16, 'a'),
              ...(i > 0 ? { parentSpanId: '0'.padStart(16, 'a') } : {}),
              name: i === 0 ? 'task' : `chat ✓ ${i}`,
              kind: i % 4,
              startTimeUnixNano: `17963145963084477${String(i).padStart(2, '0')}`,
              endTimeUnixNano: '1796314596344906982',
              attributes: [
                attr('s', { stringValue: i % 2 ? 'ünïcødé 💡' : '' }),
                attr('int', { intValue: String(i * 1000) }),
                attr('double', { doubleValue: i + 0.1 }),
                attr('tiny', { doubleValue: -1e-300 }),
                attr('big', { intValue: '9007199254740991' }),
                attr('yes', { boolValue: true }),
                attr('no', { boolValue: false }),
                attr('list', { arrayValue: { values: [{ stringValue: 'stop' }, { intValue: 3 }] } }),
                attr('nested', {
                  arrayValue: { values: [{ arrayValue: { values: [{ boolValue: true }] } }] },
                }),
                attr('empty', { arrayValue: {} }),
                attr('nothing', {}),
                // Two key lists that join alike with NUL.
                ...(i === 4 ? [attr('a\u0000b', { intValue: 1 })] : []),
                ...(i === 0 ? [attr('a', { intValue: 2 }), attr('b', { intValue: 3 })] : []),
                // Keys that must be quoted, and one an object literal would take for the prototype.
                ...(i === 3
                  ? [attr('we"ird\\key\n', { stringValue: 'x' }), attr('__proto__', { stringValue: 'p' })]
                  : []),
              ],
              events:
                i === 1
                  ? [{ name: 'exception', attributes: [attr('exception.message', { stringValue: 'boom' })] }]
                  : [],
              status: i === 2 ? { code: 2, message: 'failed: 🔥' } : { code: 0 },
            })),
          },
        ],
      },
    ],
  });
}

describe('the spool cache', () => {
  let dir: ReturnType<typeof tempDir>;
  let spool: string;
  const always = { cache: { minBytes: 0 } };
  beforeEach(() => {
    dir = tempDir('tau2-spool-cache-');
    spool = join(dir.path, 'spans.otlp.jsonl');
    writeFileSync(spool, `${line('r1', 5)}\nnot json\n${line('r2', 3)}\n`);
  });
  afterEach(() => dir.cleanup());
  /** A spool `name` of the one line `text`, beside the fixture's. */
  const spoolOf = (name: string, text: string): string => {
    const path = join(dir.path, name);
    writeFileSync(path, `${text}\n`);
    return path;
  };

  it('gives back exactly what parsing the spool gives, values of every type included', async () => {
    const parsed = await readSpool(spool, { cache: false });
    assert.equal(parsed.spans.length, 8);
    assert.deepEqual(parsed.badLines, [2]);
    const first = await readSpool(spool, always);
    assert.ok(existsSync(spool + CACHE_SUFFIX), 'the first read wrote the cache');
    const second = await readSpool(spool, always);
    assert.deepStrictEqual(first, parsed);
    assert.deepStrictEqual(second, parsed);
    const span = second.spans[2]!;
    assert.equal(span.status.message, 'failed: 🔥');
    assert.equal(span.attributes.tiny, -1e-300);
    assert.equal(span.attributes.big, 2 ** 53 - 1);
    assert.deepEqual(second.spans[1]!.events, [
      { name: 'exception', attributes: { 'exception.message': 'boom' } },
    ]);
    // Arrays are each span's own, as parsing makes them.
    assert.notEqual(second.spans[0]!.attributes.list, second.spans[1]!.attributes.list);
  });

  it('keeps a lone surrogate (a cut emoji) that the spool holds as an escape', async () => {
    const cut = spoolOf(
      'cut.otlp.jsonl',
      line('r1', 1).replace('"s","value":{"stringValue":""}', '"s","value":{"stringValue":"a\\ud83d"}'),
    );
    const parsed = await readSpool(cut, { cache: false });
    assert.equal(parsed.spans[0]!.attributes.s, 'a\ud83d');
    await readSpool(cut, always);
    assert.deepStrictEqual(await readSpool(cut, always), parsed);
  });

  it('is not written for times a 64-bit column would wrap, and such a spool reads as parsed', async () => {
    const end = '"endTimeUnixNano":"1796314596344906982"';
    const odd = spoolOf('odd.otlp.jsonl', line('r1', 2).replace(end, '"endTimeUnixNano":"-5"'));
    const parsed = await readSpool(odd, { cache: false });
    assert.equal(parsed.spans[0]!.endNs, -5n);
    assert.equal(writeSpoolCache(odd, parsed, stampOf(odd)), false);
    assert.deepStrictEqual(await readSpool(odd, always), parsed);
    assert.equal(existsSync(odd + CACHE_SUFFIX), false);
    const late = spoolOf(
      'late.otlp.jsonl',
      line('r1', 1).replace(end, '"endTimeUnixNano":"18446744073709551615"'),
    );
    const max = await readSpool(late, always);
    assert.equal(max.spans[0]!.endNs, 2n ** 64n - 1n);
    assert.ok(existsSync(late + CACHE_SUFFIX));
    assert.deepStrictEqual(await readSpool(late, always), max, 'the largest fixed64 is kept');
  });

  it('is used on the next read (a planted cache wins while the spool is unchanged)', async () => {
    await readSpool(spool, always);
    const other = spoolOf('other.otlp.jsonl', line('r9', 2));
    await readSpool(other, always);
    // The other spool's cache, restamped with this spool's size/mtime/inode, must be what is read back.
    const parsedOther = await readSpool(other, { cache: false });
    assert.ok(writeSpoolCache(spool, parsedOther, stampOf(spool)));
    assert.deepStrictEqual(await readSpool(spool, always), parsedOther);
  });

  it('is ignored and rewritten once the spool changes', async () => {
    await readSpool(spool, always);
    appendFileSync(spool, `${line('r3', 2)}\n`);
    const grown = await readSpool(spool, always);
    assert.equal(grown.spans.length, 10);
    assert.deepStrictEqual(grown, await readSpool(spool, { cache: false }));
    assert.deepStrictEqual(
      await readSpool(spool, always),
      grown,
      'the rewritten cache holds the grown spool',
    );
  });

  it('is ignored when torn or not a cache at all, and the spool is read instead', async () => {
    const parsed = await readSpool(spool, { cache: false });
    await readSpool(spool, always);
    const cache = spool + CACHE_SUFFIX;
    truncateSync(cache, Math.floor(readFileSync(cache).length / 2));
    assert.deepStrictEqual(await readSpool(spool, always), parsed);
    writeFileSync(cache, 'garbage');
    assert.deepStrictEqual(await readSpool(spool, always), parsed);
  });

  it('is not written for a small spool, when turned off, or for a spool that changed while it was read', async () => {
    await readSpool(spool);
    assert.equal(existsSync(spool + CACHE_SUFFIX), false, 'below the default 8 MiB');
    const saved = process.env.TAU2_TRACE_SPOOL_CACHE;
    process.env.TAU2_TRACE_SPOOL_CACHE = 'off';
    try {
      await readSpool(spool, { cache: { minBytes: 0 } });
      // An explicit option wins over the environment; without one the environment says off.
      assert.equal(existsSync(spool + CACHE_SUFFIX), true);
      const again = spoolOf('again.otlp.jsonl', line('r4', 1));
      await readSpool(again);
      assert.equal(existsSync(again + CACHE_SUFFIX), false);
    } finally {
      if (saved === undefined) delete process.env.TAU2_TRACE_SPOOL_CACHE;
      else process.env.TAU2_TRACE_SPOOL_CACHE = saved;
    }
    const before = stampOf(spool);
    const contents = await readSpool(spool, { cache: false });
    appendFileSync(spool, `${line('r5', 1)}\n`);
    assert.equal(writeSpoolCache(spool, contents, before), false);
  });

  it('is skipped where it cannot be written, without failing the read', async () => {
    const contents = await readSpool(spool, { cache: false });
    // The spool's directory refuses the file: a directory stands where the cache would go.
    const blocked = join(dir.path, 'blocked.otlp.jsonl');
    writeFileSync(blocked, readFileSync(spool));
    mkdirSync(blocked + CACHE_SUFFIX);
    assert.equal(writeSpoolCache(blocked, contents, stampOf(blocked)), false);
    assert.deepStrictEqual(await readSpool(blocked, always), contents);
  });
});
