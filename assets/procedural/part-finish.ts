/**
 * Seeded surface finishes for procedural parts (`--materials varied`, docs/look.md, "Materials"):
 * a roughness and metalness, and a pattern (stripes, checks, noise, wood-like bands) that only
 * darkens the part's own colour by at most `contrast`, so the colour word stays the part's (the
 * colour check of pipeline/run/check-visibility.ts still holds it against the pixels). Pure; the
 * page builds the pattern texture from {@link patternValue}.
 */
import type { Rng } from '../../pipeline/rng.js';
import type { PartFinish, ProceduralObjectSpec } from '../../pipeline/types.js';

/** The patterns a finish may carry. */
export const PATTERNS = ['none', 'stripes', 'checks', 'noise', 'bands'] as const;

/** Ranges a finish is drawn from. */
export const FINISH_RANGES = Object.freeze({ roughness: [0.3, 0.85] as const, metalness: [0, 0.25] as const, scale: [2, 7] as const, contrast: [0.1, 0.22] as const });

/** Draws one finish (six draws, in a fixed order, whatever the pattern). */
export function drawPartFinish(rng: Rng): PartFinish {
  const roughness = rng.range(...FINISH_RANGES.roughness);
  const metalness = rng.range(...FINISH_RANGES.metalness);
  const pattern = rng.pick(PATTERNS);
  const scale = rng.range(...FINISH_RANGES.scale);
  const contrast = rng.range(...FINISH_RANGES.contrast);
  const angleDeg = rng.range(0, 180);
  return { roughness, metalness, pattern, scale, contrast, angleDeg };
}

/** A hash of two integers to [0, 1), for the noise pattern (the same on every machine). */
function hash2(x: number, y: number): number {
  let h = (Math.imul(x, 374761393) + Math.imul(y, 668265263)) | 0;
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/**
 * The brightness factor of the pattern at texture coordinate (u, v) in [0, 1]², in
 * [1 − contrast, 1]: 1 where the part shows its own colour, lower where the pattern darkens it.
 */
export function patternValue(f: PartFinish, u: number, v: number): number {
  const a = (f.angleDeg * Math.PI) / 180;
  const s = (u * Math.cos(a) + v * Math.sin(a)) * f.scale;
  const t = (-u * Math.sin(a) + v * Math.cos(a)) * f.scale;
  let dark: number;
  switch (f.pattern) {
    case 'stripes':
      dark = Math.floor(s * 2) % 2 === 0 ? 0 : 1;
      break;
    case 'checks':
      dark = (Math.floor(s * 2) + Math.floor(t * 2)) % 2 === 0 ? 0 : 1;
      break;
    case 'noise':
      dark = hash2(Math.floor(u * 64), Math.floor(v * 64));
      break;
    case 'bands':
      dark = 0.5 + 0.5 * Math.sin(2 * Math.PI * s + 1.7 * Math.sin(2 * Math.PI * t * 0.5));
      break;
    default:
      dark = 0;
  }
  return 1 - f.contrast * Math.min(1, Math.max(0, Math.abs(dark)));
}

/**
 * `object` with seeded finishes (`--materials varied`): one per part of a single object, one per
 * object of a scene (all its parts share it); unlit parts (a library model's stand-in) keep none.
 * Draws come from `rng` in part order, a fixed count per part or object.
 */
export function withFinishes(object: ProceduralObjectSpec, rng: Rng): ProceduralObjectSpec {
  const finishes = object.scene !== undefined ? object.scene.objects.map(() => drawPartFinish(rng)) : object.parts.map(() => drawPartFinish(rng));
  const finishOf = (i: number) => (object.scene !== undefined ? finishes[object.scene.objects.findIndex((o) => i >= o.parts[0] && i < o.parts[1])] : finishes[i]);
  return { ...object, parts: object.parts.map((p, i) => (p.material === 'basic' ? p : { ...p, finish: finishOf(i) })) };
}
