/**
 * SVG to PNG: resvg (`@resvg/resvg-js`, a prebuilt native binary from a per-platform npm package) rasterises
 * on the libuv thread pool with the DejaVu Sans TTF of the `dejavu-fonts-ttf` package (no system fonts), and
 * node's zlib deflates the pixels there too, so several charts render on several cores.
 */
import { createRequire } from 'node:module';
import { renderAsync } from '@resvg/resvg-js';
import { encodeRgbaPng } from './png.js';

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
export async function svgToPng(svg: string): Promise<Uint8Array> {
  const image = await renderAsync(svg, {
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
  // The background is opaque white, so every pixel has alpha 255 and premultiplied equals straight RGBA.
  return encodeRgbaPng(image.pixels, image.width, image.height);
}
