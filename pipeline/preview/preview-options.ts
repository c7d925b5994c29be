/** The preview page's options and defaults (a module of its own so the CLI's help can show them without loading the writer). */
export interface PreviewOptions {
  /** Samples shown at most. @default 48 */
  n: number;
  /** Embed the images as data URIs instead of linking them. @default false */
  embed: boolean;
  /** Where to write the page (its folder is created). @default `<outDir>/preview.html` */
  file?: string;
}

export const PREVIEW_DEFAULTS: PreviewOptions = { n: 48, embed: false };
