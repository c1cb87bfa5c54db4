import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { chartTitle, renderHistogramPng } from '../../src/export/charts/index.js';
import { histogramSvg } from '../../src/export/charts/legacy-svg.js';
import { ChartWorker } from '../../src/export/charts/worker.js';
import { summarize } from '../../src/export/legacy/stats.js';

/** CRC-32 (ISO-HDLC, as PNG uses), bit by bit: the check of resvg's PNG encoder must not share its code. */
function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  }
  return (c ^ 0xffffffff) >>> 0;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Width and height from the IHDR chunk, which must directly follow the signature. */
function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual([...png.subarray(0, 8)], PNG_SIGNATURE, 'PNG signature');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  assert.equal(view.getUint32(8), 13, 'IHDR length');
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), 'IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Checks every chunk's CRC and that the IDAT data inflates to one filter byte plus an RGBA row per line. */
function checkPngChunks(png: Uint8Array): void {
  const { width, height } = pngSize(png);
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const idat: Uint8Array[] = [];
  const types: string[] = [];
  let at = 8;
  while (at < png.length) {
    const len = view.getUint32(at);
    const type = new TextDecoder().decode(png.subarray(at + 4, at + 8));
    types.push(type);
    assert.equal(view.getUint32(at + 8 + len), crc32(png.subarray(at + 4, at + 8 + len)), `${type} CRC`);
    if (type === 'IDAT') idat.push(png.subarray(at + 8, at + 8 + len));
    at += 12 + len;
  }
  assert.equal(types[0], 'IHDR');
  assert.equal(types[types.length - 1], 'IEND');
  assert.equal(inflateSync(Buffer.concat(idat)).length, height * (width * 4 + 1));
}

/** A long-tailed sample like the legacy durations, deterministic. */
function sampleValues(): number[] {
  const values: number[] = [];
  let seed = 12345;
  for (let i = 0; i < 500; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = seed / 2147483648;
    values.push(200 + 1800 * u * u * u + (i % 7) * 40);
  }
  return values;
}

async function saveCopies(name: string, png: Uint8Array): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'charts-test-'));
  await writeFile(join(dir, name), png);
  assert.deepEqual(new Uint8Array(await readFile(join(dir, name))), png);
  // Copies for a human to look at.
  await mkdir('/tmp/charts-check', { recursive: true });
  await writeFile(join('/tmp/charts-check', name), png);
}

test("the test's crc32 matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('chartTitle is the legacy title with the stats and their unit, or the bare title with no data', () => {
  assert.equal(
    chartTitle({
      title: 'ToolOrchestra vLLM decode_len (completion tokens)',
      unit: 'tok',
      summary: summarize([1, 2, 4]),
    }),
    'ToolOrchestra vLLM decode_len (completion tokens) (n=3, mean=2.33tok, std=1.53tok)',
  );
  assert.equal(
    chartTitle({ title: 'ToolOrchestra vLLM prefill_ms (TTFT)', unit: 'ms', summary: summarize([1, 2]) }),
    'ToolOrchestra vLLM prefill_ms (TTFT) (n=2, mean=1.50ms, std=0.71ms)',
  );
  assert.equal(chartTitle({ title: 'x', unit: 'tok', summary: null }), 'x');
});

test('legacy SVG: bars 0.9 bins wide at the bin centres, a label over each non-zero bar', async () => {
  const svg = histogramSvg({ title: 'T', unit: 'ms', summary: summarize([0, 0, 1, 3, 4], 4) });
  const bars = [...svg.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"[^>]*fill="#1f77b4"/g)];
  // Bins [0,1) [1,2) [2,3) [3,4]: 40 %, 20 %, 0 %, 40 %; the empty bin has no bar and no label.
  assert.equal(bars.length, 3);
  const labels = [...svg.matchAll(/>([\d.]+%)</g)].map((m) => m[1]);
  assert.deepEqual(labels, ['40.0%', '20.0%', '40.0%']);
  const [w0, w1] = [Number(bars[0]![2]), Number(bars[1]![2])];
  const pitch = Number(bars[1]![1]) - Number(bars[0]![1]);
  // Bars of adjacent bins: each is 0.9 of a bin, the gap between them 0.1 of one.
  assert.ok(Math.abs(w0 - w1) < 0.02 && Math.abs(w0 / pitch - 0.9) < 0.001, `${w0} ${pitch}`);
  assert.match(svg, />T \(n=5, mean=1\.60ms, std=1\.82ms\)</);
  assert.match(svg, />ms</);
  assert.match(svg, />%</);
});

test('renders a non-empty histogram as a 2000x800 PNG', async () => {
  const summary = summarize(sampleValues(), 10);
  assert.ok(summary);
  const png = renderHistogramPng({ title: 'toolorchestra_vllm_infer', unit: 'ms', summary });
  assert.deepEqual(pngSize(png), { width: 2000, height: 800 });
  assert.ok(png.length > 20_000, `PNG too small: ${png.length} bytes`);
  checkPngChunks(png);
  await saveCopies('histogram.png', png);
});

test('renders a histogram with a single value and empty bins', async () => {
  const png = renderHistogramPng({
    title: 'toolorchestra_vllm_prefill_len',
    unit: 'tok',
    summary: summarize([857]),
  });
  assert.deepEqual(pngSize(png), { width: 2000, height: 800 });
  await saveCopies('single-value.png', png);
});

test('renders a "no data" placeholder as a 2000x800 PNG', async () => {
  const png = renderHistogramPng({ title: 'expert_call', unit: 'ms', summary: null });
  assert.deepEqual(pngSize(png), { width: 2000, height: 800 });
  assert.ok(png.length > 5_000, `PNG too small: ${png.length} bytes`);
  checkPngChunks(png);
  await saveCopies('no-data.png', png);
});

test('renders large token counts with 40 bins', async () => {
  const values = sampleValues().map((v) => Math.round(v * 31));
  const [a, b] = [
    renderHistogramPng({
      title: 'toolorchestra_vllm_decode_len',
      unit: 'tok',
      summary: summarize(values, 40),
    }),
    renderHistogramPng({ title: 'toolorchestra_vllm_prefill_len', unit: 'tok', summary: summarize(values) }),
  ];
  for (const png of [a, b]) {
    assert.deepEqual(pngSize(png), { width: 2000, height: 800 });
    checkPngChunks(png);
  }
  await saveCopies('tok-40-bins.png', a);
  await saveCopies('tok.png', b);
});

test('ChartWorker renders a batch in a worker thread, in input order', async () => {
  const worker = new ChartWorker({ warm: true });
  try {
    const pngs = await worker.render([
      { title: 'tool_call', unit: 'ms', summary: summarize(sampleValues()) },
      { title: 'expert_call', unit: 'ms', summary: null },
    ]);
    assert.equal(pngs.length, 2);
    for (const png of pngs) {
      assert.deepEqual(pngSize(png), { width: 2000, height: 800 });
      checkPngChunks(png);
    }
    assert.ok(pngs[0]!.length > pngs[1]!.length, 'the histogram has more detail than the placeholder');
  } finally {
    await worker.close();
  }
});
