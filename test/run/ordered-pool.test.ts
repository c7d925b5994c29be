import { describe, expect, it } from 'vitest';
import { runOrdered } from '../../pipeline/run/ordered-pool.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A delay that makes later positions often finish first. */
const jitter = (p: number) => ((p * 7919) % 13) + 1;

describe('runOrdered', () => {
  it('consumes every position once, in order, whatever order they finish in, never further ahead than maxAhead', async () => {
    const consumed: number[] = [];
    let inFlight = 0;
    let maxInFlight = 0;
    let maxLead = 0;
    const outcome = await runOrdered({
      count: 60,
      workers: 6,
      maxAhead: 5,
      produce: async (p) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        maxLead = Math.max(maxLead, p - consumed.length);
        await sleep(jitter(p));
        inFlight--;
        return p * 10;
      },
      consume: async (p, v) => {
        expect(v).toBe(p * 10);
        await sleep(1);
        consumed.push(p);
      },
    });
    expect(outcome).toBe('done');
    expect(consumed).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(maxInFlight).toBeLessThanOrEqual(6);
    expect(maxLead).toBeLessThan(5);
  });

  it('throws the first failure and starts nothing after it', async () => {
    const started: number[] = [];
    const run = runOrdered({
      count: 100,
      workers: 2,
      maxAhead: 4,
      produce: async (p) => {
        started.push(p);
        await sleep(1);
        if (p === 5) throw new Error('sample 5 broke');
        return p;
      },
      consume: async () => {},
    });
    await expect(run).rejects.toThrow('sample 5 broke');
    expect(Math.max(...started)).toBeLessThan(5 + 4 + 2);
  });

  it('a consume failure stops the pool too', async () => {
    await expect(runOrdered({ count: 10, workers: 3, maxAhead: 4, produce: async (p) => p, consume: async (p) => { if (p === 2) throw new Error('disk full'); } })).rejects.toThrow('disk full');
  });

  it('returns "aborted" without waiting for a production that never ends, and consumes nothing after the abort', async () => {
    const stop = new AbortController();
    const consumed: number[] = [];
    const outcome = await runOrdered({
      count: 10,
      workers: 2,
      maxAhead: 4,
      produce: async (p) => {
        if (p === 3) {
          stop.abort('SIGINT');
          return new Promise<number>(() => {}); // hangs
        }
        return p;
      },
      consume: async (p) => {
        consumed.push(p);
      },
      signal: stop.signal,
    });
    expect(outcome).toBe('aborted');
    expect(consumed.every((p) => p < 3)).toBe(true);
  });
});
