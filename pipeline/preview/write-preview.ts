/**
 * `writePreview(outDir, options)`: writes the preview gallery of a finished data set
 * (`viewforge preview <out>`, `npm run preview -- <out>`): a self-contained `preview.html`
 * ({@link buildPreviewHtml}) with up to `n` samples spread over the families
 * ({@link selectPreviewSamples}).
 *
 * Images are linked by relative URL from the page's folder (the page sits in `<out>` by
 * default, so the links read `images/00000/…`), or embedded as `data:` URIs with `embed: true`
 * (a larger file that can be moved on its own). Either way the page opens from disk with no
 * server and no network.
 *
 * @example
 * const { path, samples } = await writePreview('output', { n: 48 });
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { MANIFEST_FILE, type Manifest } from '../shards/manifest.js';
import { PREVIEW_DEFAULTS, type PreviewOptions } from './preview-options.js';
import { writeFileAtomic } from '../shards/seal-file.js';
import { readShardRecords } from '../stats/read-shard-records.js';
import { buildPreviewHtml } from './preview-html.js';
import { selectPreviewSamples, type PreviewSample } from './select-samples.js';

const NAME = 'preview';

/** File name of the preview in the output root. */
export const PREVIEW_FILE = 'preview.html';

export { PREVIEW_DEFAULTS, type PreviewOptions } from './preview-options.js';

export interface PreviewResult {
  /** Path of the page written. */
  path: string;
  samples: number;
}

const MIME: Record<string, string> = { jpeg: 'image/jpeg', jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };

/** The URL of `<outDir>/<imagePath>` relative to the folder of the page (POSIX separators, segments URL-encoded). */
export function getRelativeImageUrl(outDir: string, pageFile: string, imagePath: string): string {
  const rel = relative(dirname(resolve(pageFile)), resolve(outDir, imagePath));
  return rel.split(sep).map((seg) => (seg === '..' ? seg : encodeURIComponent(seg))).join('/');
}

async function readManifest(outDir: string): Promise<Manifest> {
  const path = join(outDir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`${NAME}: cannot read ${path} (${(err as Error).message}); pass the --out folder of a finished render`, { cause: err });
  }
  try {
    return JSON.parse(text) as Manifest;
  } catch (err) {
    throw new Error(`${NAME}: ${path} is not JSON: ${(err as Error).message}`, { cause: err });
  }
}

function describe(m: Manifest): string {
  const c = m.config;
  return (
    `${m.counts.samples} samples (${m.counts.sft_records} SFT, ${m.counts.rl_records} RL records), seed ${c.seed}, ` +
    `${c.size}×${c.size} ${c.format}, ${m.generator.name} ${m.generator.version}, rendered by ${m.renderer.name} (${m.renderer.gl_renderer})`
  );
}

async function embedImages(outDir: string, samples: readonly PreviewSample[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const s of samples) {
    for (const im of s.images) {
      if (out.has(im.path)) continue;
      const bytes = await readFile(join(outDir, im.path));
      const ext = im.path.slice(im.path.lastIndexOf('.') + 1).toLowerCase();
      out.set(im.path, `data:${MIME[im.format] ?? MIME[ext] ?? 'application/octet-stream'};base64,${bytes.toString('base64')}`);
    }
  }
  return out;
}

/** Writes the preview page; see the file header. */
export async function writePreview(outDir: string, options: Partial<PreviewOptions> = {}): Promise<PreviewResult> {
  const opts: PreviewOptions = { ...PREVIEW_DEFAULTS, ...options };
  if (!Number.isInteger(opts.n) || opts.n < 1) throw new RangeError(`${NAME}: n must be an integer ≥ 1, got ${opts.n}`);
  const manifest = await readManifest(outDir);
  const file = opts.file ?? join(outDir, PREVIEW_FILE);
  const distributions = manifest.stats?.distributions;
  const available = typeof distributions === 'object' && typeof distributions.families === 'object' ? (distributions.families as Record<string, number>) : undefined;
  const samples = await selectPreviewSamples(readShardRecords(outDir, manifest.shards), { n: opts.n, families: manifest.config.families, available });
  const embedded = opts.embed ? await embedImages(outDir, samples) : undefined;
  const families = [...manifest.config.families.filter((f) => samples.some((s) => s.family === f)), ...new Set(samples.map((s) => s.family).filter((f) => !manifest.config.families.includes(f)))];
  const letters = [...new Set(samples.map((s) => s.answer))].sort();
  const html = buildPreviewHtml({
    title: manifest.config.dataset_name,
    summary: describe(manifest),
    samples,
    imageSrc: (path) => embedded?.get(path) ?? getRelativeImageUrl(outDir, file, path),
    families,
    letters,
  });
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, html);
  return { path: file, samples: samples.length };
}
