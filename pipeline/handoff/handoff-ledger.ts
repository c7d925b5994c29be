/**
 * `HandoffLedger`: the append-only record of shards a target has acknowledged,
 * `<out>/handoff-ledger.jsonl`, one JSON object a line:
 *
 * ```text
 * {"target":"triton:http://trainer:8000#viewforge_handoff","kind":"sft","path":"sft/shard-00000.jsonl","sha256":"9f…","records":1000,"receipt":"viewforge_handoff/1 id=…","acked_at":"2026-11-25T03:12:09.114Z"}
 * ```
 *
 * A shard counts as handed off to a target when a line has that target, path and sha256 (so a
 * re-rendered shard with other bytes is new, and an ack by one target says nothing for another).
 * The ledger is operational state, not part of the dataset: it is not listed in the manifest,
 * `--overwrite` keeps it, and it may hold times. It never holds a credential (target ids carry
 * none).
 *
 * Crash safety: each entry is appended with one write and fsynced before the next shard is sent,
 * so after a crash the file ends, at worst, in a torn line. {@link parseLedger} ignores a torn
 * last line (no final newline); {@link HandoffLedger.open} cuts it off so the next append starts
 * on a fresh line. A damaged line in the middle (which appends cannot produce) is an error.
 *
 * @example
 * ```ts
 * const ledger = await HandoffLedger.open(outDir, { now: Date.now });
 * if (!ledger.has(transport.id, shard.path, shard.sha256)) {
 *   const ack = await transport.send(delivery);
 *   await ledger.append({ target: transport.id, kind: shard.kind, path: shard.path, sha256: ack.sha256, records: shard.records, receipt: ack.receipt });
 * }
 * ```
 */
import { open, readFile, truncate } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ShardKind } from '../shards/shard-writer.js';

const NAME = 'HandoffLedger';

/** File name of the ledger in the output root. */
export const LEDGER_FILE = 'handoff-ledger.jsonl';

/** One acknowledged shard, as written (key order fixed). */
export interface LedgerEntry {
  /** Target id (`dir:<path>` or `triton:<url>#<model>`). */
  target: string;
  kind: ShardKind;
  /** Shard path relative to the output root. */
  path: string;
  sha256: string;
  records: number;
  /** What the target said (drop folder, model/version and request id). */
  receipt: string;
  /** ISO 8601 UTC time of the acknowledgement. */
  acked_at: string;
}

/** What {@link parseLedger} found. */
export interface ParsedLedger {
  entries: LedgerEntry[];
  /** Length in bytes of the complete lines (where a torn tail starts). */
  validBytes: number;
  /** True when the text ended in an incomplete line, which was ignored. */
  tornTail: boolean;
}

function isEntry(value: unknown): value is LedgerEntry {
  const e = value as Record<string, unknown>;
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.target === 'string' &&
    (e.kind === 'sft' || e.kind === 'rl') &&
    typeof e.path === 'string' &&
    typeof e.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(e.sha256) &&
    Number.isSafeInteger(e.records) &&
    typeof e.receipt === 'string' &&
    typeof e.acked_at === 'string'
  );
}

/**
 * Parses ledger text (pure). A last line without its newline is a torn write and is ignored.
 * @throws Error naming the line when a complete line is not a ledger entry.
 */
export function parseLedger(text: string, file = LEDGER_FILE): ParsedLedger {
  const end = text.lastIndexOf('\n') + 1;
  const complete = text.slice(0, end);
  const entries: LedgerEntry[] = [];
  const lines = complete.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      value = undefined;
    }
    if (!isEntry(value)) {
      throw new Error(`${NAME}: line ${i + 1} of ${file} is not a ledger entry; the file is damaged. Move it aside to hand off every shard again (receivers acknowledge repeats without taking them as new).`);
    }
    entries.push(value);
  });
  return { entries, validBytes: Buffer.byteLength(complete, 'utf8'), tornTail: end < text.length };
}

/** Serializes one entry as a ledger line (with its newline), keys in the fixed order. */
export function formatLedgerEntry(entry: LedgerEntry): string {
  const { target, kind, path, sha256, records, receipt, acked_at } = entry;
  return `${JSON.stringify({ target, kind, path, sha256, records, receipt, acked_at })}\n`;
}

function keyOf(target: string, path: string, sha256: string): string {
  return `${target}\n${path}\n${sha256}`;
}

export interface HandoffLedgerOptions {
  /** Milliseconds since the epoch, for `acked_at`. */
  now: () => number;
  /** Told when a torn last line was cut off. */
  onTornTail?: (message: string) => void;
}

/** The ledger of one output folder; see the file header. */
export class HandoffLedger {
  readonly file: string;
  private readonly entries: LedgerEntry[];
  private readonly keys: Set<string>;
  private readonly now: () => number;
  private writing: Promise<void> = Promise.resolve();
  /** False until the folder has been fsynced after the file was created by an append. */
  private dirSynced: boolean;

  private constructor(file: string, entries: LedgerEntry[], now: () => number, existed: boolean) {
    this.file = file;
    this.dirSynced = existed;
    this.entries = entries;
    this.keys = new Set(entries.map((e) => keyOf(e.target, e.path, e.sha256)));
    this.now = now;
  }

  /**
   * Reads `<outDir>/handoff-ledger.jsonl` (a missing file is an empty ledger) and cuts off a
   * torn last line.
   * @throws Error when the file cannot be read or holds a damaged line (see {@link parseLedger}).
   */
  static async open(outDir: string, options: HandoffLedgerOptions): Promise<HandoffLedger> {
    const file = join(outDir, LEDGER_FILE);
    let text = '';
    let existed = true;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      existed = false;
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${NAME}: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
    const parsed = parseLedger(text, file);
    if (parsed.tornTail) {
      await truncate(file, parsed.validBytes);
      options.onTornTail?.(`${NAME}: ${file} ended in a torn line (an interrupted write); it was cut off and that shard will be sent again`);
    }
    return new HandoffLedger(file, parsed.entries, options.now, existed);
  }

  /** True when `target` has acknowledged the shard at `path` with these bytes. */
  has(target: string, path: string, sha256: string): boolean {
    return this.keys.has(keyOf(target, path, sha256));
  }

  /** Every entry, oldest first. */
  listEntries(): LedgerEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }

  /**
   * Appends one acknowledgement (stamped with the clock) and fsyncs it; resolves once it is on
   * disk. Calls are written in call order.
   */
  append(entry: Omit<LedgerEntry, 'acked_at'>): Promise<LedgerEntry> {
    const full: LedgerEntry = { ...entry, acked_at: new Date(this.now()).toISOString() };
    const write = this.writing.then(async () => {
      const fh = await open(this.file, 'a');
      try {
        await fh.write(formatLedgerEntry(full));
        await fh.sync();
      } finally {
        await fh.close();
      }
      if (!this.dirSynced) {
        // The file was just created: make its name durable too.
        const dir = await open(dirname(this.file), 'r');
        await dir.sync().catch(() => {});
        await dir.close();
        this.dirSynced = true;
      }
    });
    this.writing = write.catch(() => {});
    return write.then(
      () => {
        this.entries.push(full);
        this.keys.add(keyOf(full.target, full.path, full.sha256));
        return { ...full };
      },
      (err: unknown) => {
        throw new Error(`${NAME}: cannot append to ${this.file}: ${(err as Error).message}`, { cause: err });
      },
    );
  }
}
