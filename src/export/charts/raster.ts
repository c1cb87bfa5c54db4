/**
 * SVG to PNG: resvg (`@resvg/resvg-js`, a prebuilt native binary from a per-platform npm package) rasterises
 * with the DejaVu Sans TTF of the `dejavu-fonts-ttf` package (no system fonts) and encodes the PNG itself.
 * It runs on the calling thread: `renderAsync` on the libuv pool was no faster per chart, and the pool
 * threads' malloc arenas kept ~10 MB per chart after it was freed (`npm run bench:legacy`, peak RSS).
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';

export const FONT_FAMILY = 'DejaVu Sans';

let fontFile: string | undefined;

/**
 * Resolves the bundled font once per process; later calls return the cached path. resvg itself needs no
 * init (its native binary is loaded with the module).
 */
export function initChartRenderer(): string {
  fontFile ??= createRequire(import.meta.url).resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
  return fontFile;
}

/** Rasterises an SVG document at its own size on a white background and encodes it as a PNG. */
export function svgToPng(svg: string): Uint8Array {
  const resvg = new Resvg(svg, {
    font: {
      fontFiles: [initChartRenderer()],
      loadSystemFonts: false,
      defaultFontFamily: FONT_FAMILY,
      sansSerifFamily: FONT_FAMILY,
    },
    fitTo: { mode: 'original' },
    background: 'white',
    // Bars and grid lines are axis-aligned: crisp edges, and faster.
    shapeRendering: 1,
  });
  const png = resvg.render().asPng();
  // A plain Uint8Array view of resvg's Buffer, as the worker and the callers expect.
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
