import { describe, expect, it } from 'vitest';
import { COLOUR_NAME_MARGIN, deltaE, hexToLab, nearestNamedColour, showsNamedColour, srgbToLab } from '../../assets/procedural/colour-lab.js';
import { PART_COLORS } from '../../assets/procedural/palette.js';

describe('colour words in CIELAB', () => {
  it('converts sRGB to CIELAB (D65) as the standard does', () => {
    const [L, a, b] = srgbToLab([255, 255, 255]);
    expect(L).toBeCloseTo(100, 3);
    expect(Math.hypot(a, b)).toBeLessThan(0.01);
    // sRGB red: L* 53.24, a* 80.09, b* 67.20 (Lindbloom's calculator).
    const red = srgbToLab([255, 0, 0]);
    expect(red[0]).toBeCloseTo(53.24, 1);
    expect(red[1]).toBeCloseTo(80.09, 1);
    expect(red[2]).toBeCloseTo(67.2, 1);
  });

  it('names each palette colour as itself, with the margin, and a shaded or washed-out part by what it looks like', () => {
    for (const c of PART_COLORS) {
      const n = Number.parseInt(c.hex.slice(1), 16);
      const rgb: [number, number, number] = [(n >> 16) & 255, (n >> 8) & 255, n & 255];
      expect(nearestNamedColour(rgb).name).toBe(c.name);
      expect(showsNamedColour(rgb, c.name)).toBe(true);
    }
    // Palette colours are pairwise further apart than twice the margin.
    for (const a of PART_COLORS) for (const b of PART_COLORS) if (a !== b) expect(deltaE(hexToLab(a.hex), hexToLab(b.hex))).toBeGreaterThan(2 * COLOUR_NAME_MARGIN);
    // Green rendered in deep shadow reads black; a dark yellow does not read yellow.
    expect(showsNamedColour([20, 45, 20], 'green')).toBe(false);
    expect(nearestNamedColour([20, 45, 20]).name).toBe('black');
    expect(showsNamedColour([110, 95, 10], 'yellow')).toBe(false);
    expect(showsNamedColour([40, 160, 40], 'green')).toBe(true);
  });
});
