import { describe, expect, it } from 'vitest';
import { classifySymmetry, compareViews, foregroundMask, isSameView, worstDifference, type RgbaImage, type ViewDifference } from '../../assets/symmetry/compare-views.js';

const BG: [number, number, number] = [255, 0, 255];

/** A 4×1 image from RGB triples. */
function image(pixels: [number, number, number][]): RgbaImage {
  const rgba = new Uint8Array(pixels.length * 4);
  pixels.forEach((p, i) => rgba.set([...p, 255], i * 4));
  return { width: pixels.length, height: 1, rgba };
}

describe('compareViews', () => {
  it('masks pixels that differ from the background by more than the tolerance', () => {
    expect([...foregroundMask(image([BG, [250, 10, 250], [200, 0, 255], [0, 0, 0]]), BG)]).toEqual([0, 0, 1, 1]);
  });

  it('computes IoU and colour difference over the union of the masks', () => {
    // a: fg at 1, 2; b: fg at 2, 3 → union {1,2,3}, intersection {2}: IoU 1/3.
    const a = image([BG, [0, 0, 0], [100, 100, 100], BG]);
    const b = image([BG, BG, [100, 100, 130], [0, 0, 0]]);
    const d = compareViews(a, b, BG);
    expect(d.silhouetteIoU).toBeCloseTo(1 / 3, 12);
    // pixel 1: |0−255|+|0−0|+|0−255| = 510; pixel 2: 30; pixel 3: 510 → 1050 / (3 · 3 · 255)
    expect(d.colourDiff).toBeCloseTo(1050 / (3 * 3 * 255), 12);
  });

  it('calls two empty images identical and rejects different sizes', () => {
    expect(compareViews(image([BG]), image([BG]), BG)).toEqual({ silhouetteIoU: 1, colourDiff: 0 });
    expect(() => compareViews(image([BG]), image([BG, BG]), BG)).toThrow(/sizes differ/);
  });
});

describe('classifySymmetry', () => {
  const same: ViewDifference = { silhouetteIoU: 0.99, colourDiff: 0.01 };
  const differ: ViewDifference = { silhouetteIoU: 0.6, colourDiff: 0.3 };
  const scores = (d90: ViewDifference, d180: ViewDifference, odd: ViewDifference) => new Map([[90, d90], [180, d180], [37, odd], [143, odd]]);

  it('reads the class from which turns leave the views unchanged', () => {
    expect(classifySymmetry(scores(same, same, same), [37, 143])).toBe('continuous');
    expect(classifySymmetry(scores(same, same, differ), [37, 143])).toBe('c4');
    expect(classifySymmetry(scores(differ, same, differ), [37, 143])).toBe('c2');
    expect(classifySymmetry(scores(differ, differ, differ), [37, 143])).toBe('none');
    // The same after 90° but not after 180° cannot be a symmetry: none.
    expect(classifySymmetry(scores(same, differ, same), [37, 143])).toBe('none');
  });

  it('needs both the IoU and the colour test, and the worst view decides', () => {
    expect(isSameView({ silhouetteIoU: 0.99, colourDiff: 0.2 })).toBe(false);
    expect(isSameView({ silhouetteIoU: 0.9, colourDiff: 0 })).toBe(false);
    expect(worstDifference([same, { silhouetteIoU: 0.97, colourDiff: 0.001 }])).toEqual({ silhouetteIoU: 0.97, colourDiff: 0.01 });
    expect(() => classifySymmetry(new Map([[90, same]]), [])).toThrow(/180/);
  });
});
