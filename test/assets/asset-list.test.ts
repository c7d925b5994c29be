/**
 * The on-disk list of a library's models (assets/library/asset-list.ts) and the streaming helpers
 * the index pass uses (pipeline/map-limited.ts `mapOrdered`, pipeline/read-lines.ts
 * `linesWithOffsets`): entries come back as written, past the write buffer and the recent-entry
 * memory, in the list's order; the temporary file leaves nothing in the temporary folder.
 */
import { closeSync, openSync, readdirSync, readSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AssetList, EntryFile, type AssetEntry } from '../../assets/library/asset-list.js';
import { mapOrdered } from '../../pipeline/map-limited.js';
import { linesWithOffsets } from '../../pipeline/read-lines.js';

/** A model entry whose fields depend on `k` (about 400 bytes, so 2,000 of them pass the 64 KB write buffer many times). */
function entry(k: number): AssetEntry {
  return {
    path: `group-${k % 7}/model-${k}.glb`,
    name: `model ${k} — ünïcode`,
    category: k % 3 === 0 ? null : `category-${k % 5}`,
    licence: k % 2 === 0 ? 'cc0' : null,
    contentHash: (k * 2654435761 >>> 0).toString(16).padStart(64, '0'),
    files: [`group-${k % 7}/model-${k}.glb`, `group-${k % 7}/texture-${k}.png`],
    bytes: 1000 + k,
    normalisation: { upAxis: 'y', centre: [k, -k - 1, 0.5], scale: 1 / (k + 1), metresPerUnit: null, matrix: [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]] },
    halfExtents: [0.1, 0.2, k / 1000],
  };
}

describe('EntryFile', () => {
  it('gives back every entry as written, in any order, across its write buffer and its recent-entry memory', () => {
    const file = new EntryFile<AssetEntry>();
    for (let k = 0; k < 2000; k++) expect(file.append(entry(k))).toBe(k);
    expect(file.count).toBe(2000);
    for (const k of [1999, 0, 1000, 1, 1998, 257, 256, 0]) expect(file.read(k)).toEqual(entry(k));
    for (let k = 0; k < 2000; k += 37) expect(file.read(k)).toEqual(entry(k));
    // Appending after reads goes on where the file ends.
    expect(file.append(entry(5000))).toBe(2000);
    expect(file.read(2000)).toEqual(entry(5000));
    expect(file.read(1999)).toEqual(entry(1999));
    expect(() => file.read(2001)).toThrow(/no entry 2001 \(2001 written\)/);
  });

  it('leaves no file or folder in the temporary folder', () => {
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('viewforge-index-'));
    const file = new EntryFile();
    file.append(entry(1));
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('viewforge-index-'))).toEqual(before);
    expect(file.read(0)).toEqual(entry(1));
  });
});

describe('AssetList', () => {
  it('numbers its models by position, reads them lazily, and filters without copying entries', () => {
    const list = AssetList.of(Array.from({ length: 600 }, (_, k) => entry(k)));
    expect(list.length).toBe(600);
    expect(list.at(599)).toEqual({ ...entry(599), index: 599 });
    expect(list.at(600)).toBeUndefined();
    expect(list.at(-1)).toBeUndefined();
    expect(list.at(1.5)).toBeUndefined();
    expect(list.toArray().map((a) => a.index)).toEqual(Array.from({ length: 600 }, (_, i) => i));
    const even = list.filter((a) => a.bytes % 2 === 0);
    expect(even.length).toBe(300);
    expect(even.at(3)).toEqual({ ...entry(6), index: 3 });
    expect([...even].map((a) => a.path)).toEqual(Array.from({ length: 300 }, (_, i) => entry(2 * i).path));
    // The original list is unchanged.
    expect(list.at(3)).toEqual({ ...entry(3), index: 3 });
  });
});

describe('mapOrdered', () => {
  it('yields results in item order with at most `limit` calls in flight, reading the source only as needed', async () => {
    let inFlight = 0;
    let most = 0;
    let pulled = 0;
    async function* source() {
      for (let i = 0; i < 40; i++) {
        pulled++;
        yield i;
      }
    }
    const out: number[] = [];
    for await (const r of mapOrdered(source(), 4, async (i) => {
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, (i * 7) % 5));
      inFlight--;
      return i * 10;
    })) {
      out.push(r);
      expect(pulled).toBeLessThanOrEqual(out.length + 4);
    }
    expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i * 10));
    expect(most).toBe(4);
  });

  it('throws an error when its item\'s turn comes, after the results before it', async () => {
    const out: number[] = [];
    await expect(
      (async () => {
        for await (const r of mapOrdered([0, 1, 2, 3, 4], 3, async (i) => {
          if (i === 2) throw new Error('item 2 is broken');
          await new Promise((resolve) => setTimeout(resolve, 5));
          return i;
        })) out.push(r);
      })(),
    ).rejects.toThrow('item 2 is broken');
    expect(out).toEqual([0, 1]);
  });
});

describe('linesWithOffsets', () => {
  it('gives each non-blank line with the byte offset and length that read it back, across chunks and without a last line break', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'vf-lines-')), 'lines.jsonl');
    const lines = ['{"a":1}', '', '  ', 'ünïcode — line', 'x'.repeat(50), 'last'];
    writeFileSync(path, lines.join('\n'));
    const fd = openSync(path, 'r');
    try {
      const found = [...linesWithOffsets(fd, 16)];
      expect(found.map((l) => l.text)).toEqual(['{"a":1}', 'ünïcode — line', 'x'.repeat(50), 'last']);
      for (const line of found) {
        const buffer = Buffer.alloc(line.bytes);
        readSync(fd, buffer, 0, line.bytes, line.start);
        expect(buffer.toString('utf8')).toBe(line.text);
      }
    } finally {
      closeSync(fd);
    }
  });
});

describe('EntryFile errors', () => {
  it('names the temporary folder and the remedy when it cannot make its file', async () => {
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = '/nonexistent/viewforge-tmp';
    try {
      expect(() => new EntryFile()).toThrow(/cannot make the index's temporary file in \/nonexistent\/viewforge-tmp \(ENOENT\); set TMPDIR to a writable folder/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  });
});
