/** `preview <out>`: a self-contained HTML gallery of samples (pipeline/preview). */
import { InvalidArgumentError, type Command } from 'commander';
import { PREVIEW_DEFAULTS } from '../preview/preview-options.js';
import { CliError, EXIT_FAILED, EXIT_USAGE } from './cli-io.js';

export function addPreviewCommand(program: Command): void {
  program
    .command('preview')
    .description('Write a self-contained HTML gallery of samples (both images, question, options with the answer marked, reasoning, ground truth) with family and answer filters.')
    .argument('<out>', 'output folder of a finished run (with manifest.json)')
    .option(
      '--n <count>',
      'samples shown at most, spread over the families',
      (text: string) => {
        if (!/^-?\d+$/.test(text.trim())) throw new InvalidArgumentError(`--n must be an integer, got "${text}".`);
        return Number(text);
      },
      PREVIEW_DEFAULTS.n,
    )
    .option('--out <file>', 'where to write the page (default: <out>/preview.html); image links are relative to its folder')
    .option('--embed-images', 'embed the images as data URIs (a larger file that can be moved on its own)', PREVIEW_DEFAULTS.embed)
    .addHelpText('after', '\nThe page opens from disk in any browser: no server, no network.\nExit codes: 0 written, 1 failed (e.g. no manifest.json), 2 bad flag.')
    .action(async (out: string, flags: { n: number; out?: string; embedImages: boolean }) => {
      if (flags.n < 1) throw new CliError(`preview: --n must be at least 1, got ${flags.n}`, EXIT_USAGE);
      try {
        const { writePreview } = await import('../preview/write-preview.js');
        const result = await writePreview(out, { n: flags.n, file: flags.out, embed: flags.embedImages });
        console.log(`preview: ${result.samples} samples → ${result.path}`);
      } catch (err) {
        throw new CliError((err as Error).message, EXIT_FAILED);
      }
    });
}
