/**
 * `DirTransport`: hands sealed shards to a trainer that polls a folder; target `dir:<path>` or
 * a bare path.
 *
 * Layout, one folder per shard file, a small dataset root of its own (the paths inside are the
 * output folder's, so the records' image paths resolve against it):
 *
 * ```text
 * <drop>/<dataset>/<kind>-shard-NNNNN/
 *   <kind>/shard-NNNNN.jsonl        hard link (or copy) of the sealed shard
 *   images/NNNNN/<id>_a.jpg, …       hard links (or copies) of every image its records name
 *   shard.json                      the shard manifest (written after every file above)
 *   .ready                          the shard's sha256 and a newline; written last
 * ```
 *
 * Order, so a reader that waits for `.ready` never sees a partial shard: files are linked into
 * a staging folder `<drop>/<dataset>/.<kind>-shard-NNNNN.partial`, the folders are fsynced (copies
 * too), `shard.json` is written, the staging folder is renamed to its final name, and `.ready`
 * is written atomically ({@link writeFileAtomic}). A reader that lists folders without checking
 * `.ready` still never sees one missing files.
 *
 * Hard links cost no space and no time; across file systems (EXDEV) or where links are not
 * allowed, files are copied instead (once a link fails that way, the rest are copied).
 *
 * Idempotent: a shard folder that already has `.ready` and the same sha256 is acknowledged again
 * without touching it; with another sha256 it is a conflict (a different run with the same
 * dataset name), refused. A staging folder left by a crash is removed and rebuilt.
 */
import { constants } from 'node:fs';
import { access, copyFile, link, mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { Logger } from '../logger.js';
import { getShardName } from '../shards/shard-writer.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { HandoffError } from './retry.js';
import type { ShardDelivery } from './shard-delivery.js';
import type { Ack, Transport } from './transport.js';

const NAME = 'handoff dir';

/** Name of the marker written last in each shard folder. */
export const READY_FILE = '.ready';

/** Name of the shard manifest in each shard folder. */
export const SHARD_MANIFEST_FILE = 'shard.json';

/** Version of `shard.json`'s layout. */
export const SHARD_MANIFEST_VERSION = 1;

/** Errors of a link that a copy can work around. */
const LINK_FALLBACK_CODES = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK', 'ENOSYS', 'EACCES']);

/** File-system errors worth retrying. */
const RETRYABLE_FS_CODES = new Set(['EBUSY', 'EAGAIN', 'EMFILE', 'ENFILE', 'ETIMEDOUT', 'EINTR']);

/** The `shard.json` of a dropped shard (key order fixed). */
export interface ShardManifest {
  format_version: typeof SHARD_MANIFEST_VERSION;
  dataset: string;
  kind: ShardDelivery['kind'];
  shard: number;
  /** The JSONL, relative to the shard folder. */
  path: string;
  records: number;
  sha256: string;
  bytes: number;
  first_index: number;
  last_index: number;
  /** Image files, relative to the shard folder. */
  images: string[];
}

export interface DirTransportOptions {
  /** The drop folder (created when missing). */
  dropDir: string;
  /** Ledger id; @default `dir:<dropDir>` */
  id?: string;
  /** Links one file; replaceable for tests. @default node:fs/promises link */
  linkFile?: (source: string, target: string) => Promise<void>;
  logger?: Logger;
}

/** Builds a shard's `shard.json` object (pure). */
export function buildShardManifest(shard: ShardDelivery): ShardManifest {
  return {
    format_version: SHARD_MANIFEST_VERSION,
    dataset: shard.dataset,
    kind: shard.kind,
    shard: shard.shard,
    path: shard.path,
    records: shard.records,
    sha256: shard.sha256,
    bytes: shard.bytes,
    first_index: shard.firstIndex,
    last_index: shard.lastIndex,
    images: [...shard.images],
  };
}

/** Folder of a shard in the drop, relative to it: `<dataset>/<kind>-shard-NNNNN`. */
export function getDropFolder(shard: Pick<ShardDelivery, 'dataset' | 'kind' | 'shard'>): string {
  return posix.join(shard.dataset, `${shard.kind}-shard-${getShardName(shard.shard)}`);
}

function fsError(message: string, err: unknown): HandoffError {
  const code = (err as NodeJS.ErrnoException).code ?? '';
  return new HandoffError(`${NAME}: ${message}: ${(err as Error).message}`, { retryable: RETRYABLE_FS_CODES.has(code), cause: err });
}

async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EBADF' && code !== 'EPERM' && code !== 'EISDIR') throw err;
  } finally {
    await fh.close();
  }
}

/** Directory-drop transport; see the file header. */
export class DirTransport implements Transport {
  readonly id: string;
  readonly dropDir: string;
  private readonly linkFile: (source: string, target: string) => Promise<void>;
  private readonly logger: Logger | undefined;
  private copying = false;

  constructor(options: DirTransportOptions) {
    if (typeof options.dropDir !== 'string' || options.dropDir === '') {
      throw new TypeError(`DirTransport: expected dropDir to be a non-empty string, got ${JSON.stringify(options.dropDir)}`);
    }
    this.dropDir = options.dropDir;
    this.id = options.id ?? `dir:${options.dropDir}`;
    this.linkFile = options.linkFile ?? link;
    this.logger = options.logger;
  }

  /** Creates the drop folder if needed and checks it is writable. */
  async prepare(): Promise<void> {
    try {
      await mkdir(this.dropDir, { recursive: true });
      await access(this.dropDir, constants.W_OK);
    } catch (err) {
      throw fsError(`cannot write to the drop folder "${this.dropDir}"`, err);
    }
  }

  /** Drops one shard; see the file header for the order of writes. */
  async send(shard: ShardDelivery): Promise<Ack> {
    const relative = getDropFolder(shard);
    const finalDir = join(this.dropDir, relative);
    const parent = dirname(finalDir);
    const stageDir = join(parent, `.${posix.basename(relative)}.partial`);
    const ack: Ack = { sha256: shard.sha256, receipt: finalDir };
    if (await this.isDelivered(finalDir, shard)) return ack;
    try {
      await rm(stageDir, { recursive: true, force: true });
      // A final folder without .ready is what a crash between rename and marker leaves: rebuild it.
      await rm(finalDir, { recursive: true, force: true });
      await mkdir(stageDir, { recursive: true });
      const dirs = new Set<string>([stageDir]);
      for (const file of [shard.path, ...shard.images]) {
        const target = join(stageDir, file);
        if (!dirs.has(dirname(target))) {
          await mkdir(dirname(target), { recursive: true });
          dirs.add(dirname(target));
        }
        await this.placeFile(join(shard.outDir, file), target);
      }
      for (const dir of dirs) await syncPath(dir);
      await writeFileAtomic(join(stageDir, SHARD_MANIFEST_FILE), `${JSON.stringify(buildShardManifest(shard), null, 2)}\n`);
      await rename(stageDir, finalDir);
      await syncPath(parent);
      await writeFileAtomic(join(finalDir, READY_FILE), `${shard.sha256}\n`);
    } catch (err) {
      if (err instanceof HandoffError) throw err;
      throw fsError(`cannot drop ${shard.path} into "${finalDir}"`, err);
    }
    return ack;
  }

  /** True when the shard folder is complete with these bytes; throws on a conflicting one. */
  private async isDelivered(finalDir: string, shard: ShardDelivery): Promise<boolean> {
    let ready: string;
    try {
      ready = await readFile(join(finalDir, READY_FILE), 'utf8');
    } catch {
      return false;
    }
    if (ready.trim() === shard.sha256) return true;
    throw new HandoffError(
      `${NAME}: "${finalDir}" already holds ${shard.path} with sha256 ${ready.trim()}, not ${shard.sha256}; another run used dataset name "${shard.dataset}" with this drop folder. Use another --dataset-name or drop folder, or remove that shard folder once its trainer is done with it.`,
      { retryable: false },
    );
  }

  /** Hard-links `source` to `target`, falling back to a durable copy. */
  private async placeFile(source: string, target: string): Promise<void> {
    try {
      if (!this.copying) {
        try {
          await this.linkFile(source, target);
          return;
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? '';
          if (!LINK_FALLBACK_CODES.has(code)) throw err;
          this.copying = true;
          this.logger?.info(`${NAME}: cannot hard-link into "${this.dropDir}" (${code}); copying files instead`);
        }
      }
      await copyFile(source, target);
      await syncPath(target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new HandoffError(`${NAME}: "${source}" is missing; the shard cannot be handed off without it`, { retryable: false, cause: err });
      }
      throw err;
    }
  }
}
