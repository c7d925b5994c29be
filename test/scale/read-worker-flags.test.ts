import { describe, expect, it } from 'vitest';
import { readWorkerFlags } from '../../pipeline/scale/read-worker-flags.js';

describe('readWorkerFlags', () => {
  it('is the one-machine run without flags or Job variables', () => {
    expect(readWorkerFlags({}, {})).toEqual({ index: 0, count: 1 });
  });

  it('reads a Kubernetes Indexed Job from the environment', () => {
    expect(readWorkerFlags({}, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETION_COUNT: '8' })).toEqual({ index: 2, count: 8 });
  });

  it('lets flags win over the environment, one by one', () => {
    expect(readWorkerFlags({ shardIndex: 1, shardCount: 3 }, { JOB_COMPLETION_INDEX: '2', JOB_COMPLETION_COUNT: '8' })).toEqual({ index: 1, count: 3 });
    expect(readWorkerFlags({ shardCount: 4 }, { JOB_COMPLETION_INDEX: '3' })).toEqual({ index: 3, count: 4 });
  });

  it('accepts a count of 1 without an index', () => {
    expect(readWorkerFlags({ shardCount: 1 }, {})).toEqual({ index: 0, count: 1 });
  });

  it('explains what is missing or out of range', () => {
    expect(() => readWorkerFlags({}, { JOB_COMPLETION_INDEX: '2' })).toThrow(/shard index \(2\) without a shard count; pass --shard-count <n> or set JOB_COMPLETION_COUNT/);
    expect(() => readWorkerFlags({ shardCount: 3 }, {})).toThrow(/shard count \(3\) without a shard index; pass --shard-index <i> or set JOB_COMPLETION_INDEX/);
    expect(() => readWorkerFlags({ shardIndex: 3, shardCount: 3 }, {})).toThrow(/"shardIndex" must be an integer in \[0, 2\] for 3 worker\(s\), got 3/);
    expect(() => readWorkerFlags({}, { JOB_COMPLETION_INDEX: 'x', JOB_COMPLETION_COUNT: '2' })).toThrow(/JOB_COMPLETION_INDEX must be a non-negative integer, got "x"/);
    expect(() => readWorkerFlags({ shardIndex: 0, shardCount: 0 }, {})).toThrow(/"shardCount" must be an integer in \[1, 100000\], got 0/);
  });
});
