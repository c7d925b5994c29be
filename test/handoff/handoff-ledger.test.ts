import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatLedgerEntry, HandoffLedger, LEDGER_FILE, parseLedger, type LedgerEntry } from '../../pipeline/handoff/handoff-ledger.js';
import { fakeSha } from '../records/record-input-fixture.js';

let outDir: string;
beforeEach(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'vf-ledger-'));
});
afterEach(async () => {
  await rm(outDir, { recursive: true, force: true });
});

const TARGET = 'triton:http://127.0.0.1:8000#m';

function entry(path: string, target = TARGET): LedgerEntry {
  return { target, kind: path.startsWith('sft') ? 'sft' : 'rl', path, sha256: fakeSha(path), records: 4, receipt: 'm/1 id=x', acked_at: '2026-01-01T00:00:00.000Z' };
}

describe('parseLedger', () => {
  it('reads complete lines in order', () => {
    const text = formatLedgerEntry(entry('sft/shard-00000.jsonl')) + formatLedgerEntry(entry('rl/shard-00000.jsonl'));
    const parsed = parseLedger(text);
    expect(parsed.entries.map((e) => e.path)).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl']);
    expect(parsed.tornTail).toBe(false);
    expect(parsed.validBytes).toBe(Buffer.byteLength(text));
  });

  it('ignores a torn last line (a write cut short by a crash)', () => {
    const good = formatLedgerEntry(entry('sft/shard-00000.jsonl'));
    const torn = formatLedgerEntry(entry('rl/shard-00000.jsonl')).slice(0, 40);
    const parsed = parseLedger(good + torn);
    expect(parsed.entries.map((e) => e.path)).toEqual(['sft/shard-00000.jsonl']);
    expect(parsed.tornTail).toBe(true);
    expect(parsed.validBytes).toBe(Buffer.byteLength(good));
  });

  it('refuses a damaged line in the middle, naming it', () => {
    const text = formatLedgerEntry(entry('sft/shard-00000.jsonl')) + '{"target":\n' + formatLedgerEntry(entry('rl/shard-00000.jsonl'));
    expect(() => parseLedger(text, 'x/handoff-ledger.jsonl')).toThrow(/HandoffLedger: line 2 of x\/handoff-ledger.jsonl is not a ledger entry; the file is damaged/);
    expect(() => parseLedger('{"target":"t"}\n')).toThrow(/line 1/);
  });

  it('reads an empty text as an empty ledger', () => {
    expect(parseLedger('')).toEqual({ entries: [], validBytes: 0, tornTail: false });
  });
});

describe('HandoffLedger', () => {
  it('appends fsynced lines with the time, keyed by target, path and sha256', async () => {
    const ledger = await HandoffLedger.open(outDir, { now: () => Date.UTC(2026, 10, 25, 3, 12, 9, 114) });
    const e = entry('sft/shard-00000.jsonl');
    expect(ledger.has(TARGET, e.path, e.sha256)).toBe(false);
    const written = await ledger.append({ target: e.target, kind: e.kind, path: e.path, sha256: e.sha256, records: 4, receipt: 'm/1 id=x' });
    expect(written.acked_at).toBe('2026-11-25T03:12:09.114Z');
    expect(ledger.has(TARGET, e.path, e.sha256)).toBe(true);
    expect(ledger.has('dir:/elsewhere', e.path, e.sha256)).toBe(false);
    expect(ledger.has(TARGET, e.path, fakeSha('other bytes'))).toBe(false);
    const text = await readFile(join(outDir, LEDGER_FILE), 'utf8');
    expect(text).toBe(formatLedgerEntry({ ...e, acked_at: '2026-11-25T03:12:09.114Z' }));
    expect(Object.keys(JSON.parse(text))).toEqual(['target', 'kind', 'path', 'sha256', 'records', 'receipt', 'acked_at']);
    const again = await HandoffLedger.open(outDir, { now: () => 0 });
    expect(again.has(TARGET, e.path, e.sha256)).toBe(true);
  });

  it('cuts off a torn last line on open, so the next append starts on a fresh line', async () => {
    const file = join(outDir, LEDGER_FILE);
    await writeFile(file, formatLedgerEntry(entry('sft/shard-00000.jsonl')));
    await appendFile(file, formatLedgerEntry(entry('rl/shard-00000.jsonl')).slice(0, 55));
    const warnings: string[] = [];
    const ledger = await HandoffLedger.open(outDir, { now: () => 0, onTornTail: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/ended in a torn line/);
    expect(ledger.listEntries().map((e) => e.path)).toEqual(['sft/shard-00000.jsonl']);
    const rl = entry('rl/shard-00000.jsonl');
    await ledger.append({ target: rl.target, kind: rl.kind, path: rl.path, sha256: rl.sha256, records: 4, receipt: 'r' });
    const reread = parseLedger(await readFile(file, 'utf8'));
    expect(reread.tornTail).toBe(false);
    expect(reread.entries.map((e) => e.path)).toEqual(['sft/shard-00000.jsonl', 'rl/shard-00000.jsonl']);
  });

  it('opens a missing ledger as empty and writes nothing until an append', async () => {
    const ledger = await HandoffLedger.open(join(outDir, 'not-yet'), { now: () => 0 });
    expect(ledger.listEntries()).toEqual([]);
  });

  it('keeps appends in call order', async () => {
    const ledger = await HandoffLedger.open(outDir, { now: () => 0 });
    const paths = Array.from({ length: 8 }, (_, i) => `sft/shard-0000${i}.jsonl`);
    await Promise.all(paths.map((p) => ledger.append({ target: TARGET, kind: 'sft', path: p, sha256: fakeSha(p), records: 1, receipt: '' })));
    const reread = parseLedger(await readFile(join(outDir, LEDGER_FILE), 'utf8'));
    expect(reread.entries.map((e) => e.path)).toEqual(paths);
  });
});
