/** Lengths and paper sizes. PDF user space is in points (1/72 inch). */

export const MM = 72 / 25.4;

export type PaperSize = 'A4' | 'A5' | 'B5';

export const PAPER_SIZES: readonly PaperSize[] = ['A4', 'A5', 'B5'];

/** Trim sizes in millimetres, portrait (ISO 216; B5 is ISO B5, 176 × 250 mm). */
const PAPER_MM: Record<PaperSize, readonly [number, number]> = {
  A4: [210, 297],
  A5: [148, 210],
  B5: [176, 250],
};

export type Orientation = 'portrait' | 'landscape';

/** Trim width and height of a paper size in points. */
export function paperPoints(
  size: PaperSize,
  orientation: Orientation = 'portrait',
): { width: number; height: number } {
  const [w, h] = PAPER_MM[size];
  const width = w * MM;
  const height = h * MM;
  return orientation === 'portrait' ? { width, height } : { width: height, height: width };
}

export function isPaperSize(value: string): value is PaperSize {
  return (PAPER_SIZES as readonly string[]).includes(value);
}

const LENGTH = /^(\d+(?:\.\d+)?)\s*(mm|cm|pt|in)?$/;

/**
 * Parses a length such as `15mm`, `1.5cm`, `12pt` or `0.5in` (a bare number is millimetres) into points.
 * Returns `null` for anything else, including negative values.
 */
export function parseLength(text: string): number | null {
  const m = LENGTH.exec(text.trim());
  if (!m) return null;
  const value = Number(m[1]);
  switch (m[2] ?? 'mm') {
    case 'mm':
      return value * MM;
    case 'cm':
      return value * 10 * MM;
    case 'pt':
      return value;
    case 'in':
      return value * 72;
    default:
      return null;
  }
}
