/**
 * sRGB → CIELAB (D65) and the nearest named colour of the part palette: the colour-name check
 * (docs/supervision.md): a named colour must be the colour the part shows in that render.
 */
import { PART_COLORS, type NamedColor } from './palette.js';

export type Lab = [number, number, number];

/** sRGB channel 0..255 → linear light 0..1 (IEC 61966-2-1). */
function toLinear(c: number): number {
  const s = c / 255;
  return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
}

/** CIE f(t) of the L*a*b* definition. */
function f(t: number): number {
  return t > (6 / 29) ** 3 ? Math.cbrt(t) : t / (3 * (6 / 29) ** 2) + 4 / 29;
}

/** An sRGB colour (0..255 per channel, fractions allowed) in CIELAB, D65 white. Pure. */
export function srgbToLab([r, g, b]: readonly [number, number, number]): Lab {
  const [lr, lg, lb] = [toLinear(r), toLinear(g), toLinear(b)];
  const x = (0.4124564 * lr + 0.3575761 * lg + 0.1804375 * lb) / 0.95047;
  const y = 0.2126729 * lr + 0.7151522 * lg + 0.072175 * lb;
  const z = (0.0193339 * lr + 0.119192 * lg + 0.9503041 * lb) / 1.08883;
  const [fx, fy, fz] = [f(x), f(y), f(z)];
  return [116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)];
}

/** `#rrggbb` in CIELAB. */
export function hexToLab(hex: string): Lab {
  const n = Number.parseInt(hex.slice(1), 16);
  return srgbToLab([(n >> 16) & 255, (n >> 8) & 255, n & 255]);
}

/** Euclidean distance in CIELAB (ΔE*ab, CIE76). */
export function deltaE(a: Lab, b: Lab): number {
  return Math.hypot(a[0] - b[0], a[1] - b[1], a[2] - b[2]);
}

/**
 * How much nearer (ΔE*ab) a rendered part must be to its own colour word than to any other of the
 * palette for the word to be used: a margin, so that the colour read from the ID pass's samples and
 * the colour of the written image's pixels (other sampling, JPEG) cannot name different words.
 */
export const COLOUR_NAME_MARGIN = 4;

/** Whether `srgb` reads as `name`: nearer to it than to every other palette colour by at least {@link COLOUR_NAME_MARGIN}. */
export function showsNamedColour(srgb: readonly [number, number, number], name: string, palette: readonly NamedColor[] = PART_COLORS): boolean {
  const lab = srgbToLab(srgb);
  const own = palette.find((c) => c.name === name);
  if (own === undefined) return false;
  const d = deltaE(lab, hexToLab(own.hex));
  return palette.every((c) => c.name === name || deltaE(lab, hexToLab(c.hex)) >= d + COLOUR_NAME_MARGIN);
}

/** The colour of `palette` nearest to `srgb` in CIELAB, with its distance. */
export function nearestNamedColour(srgb: readonly [number, number, number], palette: readonly NamedColor[] = PART_COLORS): { name: string; deltaE: number } {
  const lab = srgbToLab(srgb);
  let best = { name: '', deltaE: Infinity };
  for (const c of palette) {
    const d = deltaE(lab, hexToLab(c.hex));
    if (d < best.deltaE) best = { name: c.name, deltaE: d };
  }
  return best;
}
