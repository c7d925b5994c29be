import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../pipeline/config.js';
import { formatHandoffReport, readHandoffFlags } from '../../pipeline/handoff/handoff-flags.js';

describe('readHandoffFlags', () => {
  it('reads target, retries (default 5) and the token from the named variable', () => {
    expect(readHandoffFlags('/data/drop', {}, {})).toEqual({ target: { kind: 'dir', path: '/data/drop' }, retries: 5 });
    expect(readHandoffFlags('triton:https://t:8443#m', { handoffRetries: 0, handoffTokenEnv: 'TOK' }, { TOK: 'abc' })).toEqual({
      target: { kind: 'triton', baseUrl: 'https://t:8443', model: 'm' },
      retries: 0,
      token: 'abc',
    });
  });

  it('throws ConfigError naming the flag and the fix', () => {
    const cases: [string, Parameters<typeof readHandoffFlags>[1], Record<string, string>, string, RegExp][] = [
      ['s3://b', {}, {}, 'handoff', /unsupported scheme "s3:"/],
      ['triton:http://t:8000', {}, {}, 'handoff', /no model name/],
      ['/d', { handoffRetries: -1 }, {}, 'handoffRetries', /--handoff-retries must be an integer from 0 to 100, got -1/],
      ['/d', { handoffRetries: 1000 }, {}, 'handoffRetries', /got 1000/],
      ['/d', { handoffTokenEnv: 'TOK' }, { TOK: 'x' }, 'handoffTokenEnv', /applies to triton: targets only/],
      ['triton:http://t:8000#m', { handoffTokenEnv: 'TOK' }, {}, 'handoffTokenEnv', /--handoff-token-env TOK: that environment variable is not set or empty/],
      ['triton:http://t:8000#m', { handoffTokenEnv: 'TOK' }, { TOK: '' }, 'handoffTokenEnv', /not set or empty/],
      ['triton:http://t:8000#m', { handoffTokenEnv: 'TOK' }, { TOK: 'a\nb' }, 'handoffTokenEnv', /contains a line break/],
    ];
    for (const [target, flags, env, key, message] of cases) {
      let caught: unknown;
      try {
        readHandoffFlags(target, flags, env);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(ConfigError);
      expect((caught as ConfigError).key).toBe(key);
      expect((caught as Error).message).toMatch(message);
    }
  });
});

describe('formatHandoffReport', () => {
  it('summarises, lists failures and says how to send the rest', () => {
    expect(formatHandoffReport({ target: 'dir:/d', acked: ['a', 'b'], skipped: ['c'], failed: [], pending: [] }, 'out')).toEqual({
      ok: true,
      lines: ['handoff: 2 shard(s) acknowledged, 1 already acknowledged, 0 failed, 0 not sent → dir:/d'],
    });
    expect(formatHandoffReport({ target: 'dir:/d', acked: [], skipped: [], failed: [{ path: 'a', error: 'boom' }], pending: ['b'] }, 'out')).toEqual({
      ok: false,
      lines: ['handoff: 0 shard(s) acknowledged, 0 already acknowledged, 1 failed, 1 not sent → dir:/d', 'handoff: a: boom', 'handoff: send the rest with: npm run handoff -- out --handoff dir:/d'],
    });
  });
});
