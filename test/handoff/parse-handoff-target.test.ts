import { describe, expect, it } from 'vitest';
import { getTargetId, parseHandoffTarget } from '../../pipeline/handoff/parse-handoff-target.js';

describe('parseHandoffTarget', () => {
  it('reads dir: targets and bare paths as directory drops', () => {
    expect(parseHandoffTarget('dir:/data/drop')).toEqual({ kind: 'dir', path: '/data/drop' });
    expect(parseHandoffTarget('dir:relative/drop')).toEqual({ kind: 'dir', path: 'relative/drop' });
    expect(parseHandoffTarget('/data/drop')).toEqual({ kind: 'dir', path: '/data/drop' });
    expect(parseHandoffTarget('./drop')).toEqual({ kind: 'dir', path: './drop' });
    expect(parseHandoffTarget('drop')).toEqual({ kind: 'dir', path: 'drop' });
  });

  it('reads triton: targets with http and https, keeping a path prefix and dropping a trailing slash', () => {
    expect(parseHandoffTarget('triton:http://127.0.0.1:8000#viewforge_handoff')).toEqual({ kind: 'triton', baseUrl: 'http://127.0.0.1:8000', model: 'viewforge_handoff' });
    expect(parseHandoffTarget('triton:https://trainer.example.org/serving/#m-1.v2')).toEqual({ kind: 'triton', baseUrl: 'https://trainer.example.org/serving', model: 'm-1.v2' });
    expect(parseHandoffTarget('triton:http://trainer:8000/#m')).toEqual({ kind: 'triton', baseUrl: 'http://trainer:8000', model: 'm' });
  });

  it('refuses other schemes, naming the form to use', () => {
    expect(() => parseHandoffTarget('s3://bucket/drop')).toThrow(/handoff: cannot use --handoff "s3:\/\/bucket\/drop": unsupported scheme "s3:"; use dir:<path> or triton:/);
    expect(() => parseHandoffTarget('http://trainer:8000#m')).toThrow(/unsupported scheme "http:"; for a KServe v2 server write triton:http:\/\/trainer:8000#<model>/);
    expect(() => parseHandoffTarget('triton:ftp://trainer#m')).toThrow(/only http and https are supported, got "ftp:"/);
    expect(() => parseHandoffTarget('triton:file:///tmp/x#m')).toThrow(/only http and https/);
  });

  it('refuses a triton target without a model or with a bad one', () => {
    expect(() => parseHandoffTarget('triton:http://trainer:8000')).toThrow(/no model name; write triton:http:\/\/host:port#<model>/);
    expect(() => parseHandoffTarget('triton:http://trainer:8000#')).toThrow(/no model name/);
    expect(() => parseHandoffTarget('triton:http://trainer:8000#a/b')).toThrow(/model name "a\/b" must match/);
    expect(() => parseHandoffTarget('triton:not a url#m')).toThrow(/is not a URL/);
  });

  it('refuses credentials and query strings in the URL (the token comes from --handoff-token-env)', () => {
    expect(() => parseHandoffTarget('triton:http://user:secret@trainer:8000#m')).toThrow(/carries credentials \(not shown\); remove them and pass a bearer token with --handoff-token-env/);
    expect(() => parseHandoffTarget('triton:http://trainer:8000/?token=secret#m')).toThrow(/query string/);
    for (const text of ['triton:http://user:secret@trainer:8000#m', 'triton:http://trainer:8000/?token=secret#m']) {
      expect(() => parseHandoffTarget(text)).toThrow(/^handoff: cannot use --handoff "triton:http:\/\/trainer:8000\/#m"/);
      expect(() => parseHandoffTarget(text)).not.toThrow(/secret/);
    }
  });

  it('refuses empty values', () => {
    expect(() => parseHandoffTarget('')).toThrow(/the value is empty/);
    expect(() => parseHandoffTarget('dir:')).toThrow(/no folder after "dir:"/);
  });

  it('gives target ids that parse back to the same target', () => {
    for (const text of ['dir:/data/drop', 'triton:https://trainer:8443/p#m']) {
      const target = parseHandoffTarget(text);
      expect(getTargetId(target)).toBe(text);
      expect(parseHandoffTarget(getTargetId(target))).toEqual(target);
    }
  });
});
