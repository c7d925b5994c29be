import { describe, expect, it } from 'vitest';
import { assignShards, getShardRange, getShardTotal, getWorkerLabel } from '../../pipeline/scale/assign-shards.js';

describe('assignShards', () => {
  it('gives worker i the shards s with s mod n = i', () => {
    expect(assignShards({ index: 0, count: 3 }, 8)).toEqual([0, 3, 6]);
    expect(assignShards({ index: 1, count: 3 }, 8)).toEqual([1, 4, 7]);
    expect(assignShards({ index: 2, count: 3 }, 8)).toEqual([2, 5]);
    expect(assignShards({ index: 0, count: 1 }, 4)).toEqual([0, 1, 2, 3]);
    expect(assignShards({ index: 4, count: 5 }, 3)).toEqual([]);
  });

  it('splits every shard count into disjoint sets whose union is all shards', () => {
    for (const total of [0, 1, 7, 100]) {
      for (const count of [1, 2, 3, 8, 13]) {
        const all = Array.from({ length: count }, (_, index) => assignShards({ index, count }, total)).flat();
        expect(all.sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, s) => s));
      }
    }
  });

  it('refuses a worker outside [0, count)', () => {
    expect(() => assignShards({ index: 3, count: 3 }, 8)).toThrow(/assignShards: expected a worker index in \[0, count\)/);
    expect(() => assignShards({ index: 0, count: 0 }, 8)).toThrow(TypeError);
  });
});

describe('shard ranges and labels', () => {
  it('counts shards and their index ranges, the last one partial', () => {
    expect(getShardTotal(10, 3)).toBe(4);
    expect(getShardTotal(9, 3)).toBe(3);
    expect(getShardRange(0, 3, 10)).toEqual({ first: 0, last: 2 });
    expect(getShardRange(3, 3, 10)).toEqual({ first: 9, last: 9 });
  });

  it('labels workers with fixed-width numbers', () => {
    expect(getWorkerLabel({ index: 2, count: 16 })).toBe('worker-00002-of-00016');
  });
});
