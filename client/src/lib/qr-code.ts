// The QR code of the hall's join link, made by the `qrcode` library (a well-kept encoder: the
// error correction and masking are not ours to write). Its SVG is read back into plain data
// (a view box and path outlines) that the page draws with ordinary attributes, so no markup is
// ever injected into the page, whatever the library returned.
import QRCode from 'qrcode';

export interface QrDrawing {
  viewBox: string;
  /** The light background, then the dark modules (drawn as strokes, as the library does). */
  paths: { d: string; fill: string | null; stroke: string | null }[];
}

const PATH_DATA = /^[MmHhVvZz0-9. -]*$/;
const VIEW_BOX = /^0 0 \d+ \d+$/;
const COLOUR = /^#[0-9a-fA-F]{6}$/;

/** Black on white with the standard four-module quiet zone: the contrast phone cameras read best. */
export async function qrDrawing(text: string): Promise<QrDrawing> {
  const svg = await QRCode.toString(text, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 4,
    color: { dark: '#000000', light: '#ffffff' },
  });
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  const root = doc.documentElement;
  const viewBox = root.getAttribute('viewBox') ?? '';
  if (root.nodeName !== 'svg' || !VIEW_BOX.test(viewBox)) throw new Error('unexpected QR code drawing');
  const colour = (value: string | null) => (value && COLOUR.test(value) ? value : null);
  const paths = [...root.querySelectorAll('path')].map((path) => {
    const d = path.getAttribute('d') ?? '';
    if (!PATH_DATA.test(d)) throw new Error('unexpected QR code drawing');
    return { d, fill: colour(path.getAttribute('fill')), stroke: colour(path.getAttribute('stroke')) };
  });
  return { viewBox, paths };
}
