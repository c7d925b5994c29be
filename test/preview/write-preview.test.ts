import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getRelativeImageUrl, writePreview } from '../../pipeline/preview/write-preview.js';

describe('getRelativeImageUrl', () => {
  it('links from the page folder to the image, POSIX style and URL-encoded', () => {
    expect(getRelativeImageUrl('/data/out', '/data/out/preview.html', 'images/00000/vf-1_a.jpg')).toBe('images/00000/vf-1_a.jpg');
    expect(getRelativeImageUrl('/data/out', '/data/pages/p.html', 'images/00000/vf-1_a.jpg')).toBe('../out/images/00000/vf-1_a.jpg');
    expect(getRelativeImageUrl('/data/my out', '/data/p.html', 'images/a#1.jpg')).toBe('my%20out/images/a%231.jpg');
  });
});

describe('writePreview', () => {
  it('names the missing manifest and how to fix it', async () => {
    await expect(writePreview(join('/nonexistent', 'out'))).rejects.toThrow(/preview: cannot read \/nonexistent\/out\/manifest\.json .*finished render/);
  });

  it('refuses n < 1', async () => {
    await expect(writePreview('/nonexistent', { n: 0 })).rejects.toThrow(/n must be an integer ≥ 1, got 0/);
  });
});
