/**
 * Where a renderer page finds a library model's files: `/assets/<asset index>/<root-relative
 * path>`, each segment percent-encoded. Part of the renderer contract: the asset library writes
 * these URLs into render jobs, and the Chromium back-end's page server (renderers/chromium/
 * page-server.ts) serves them.
 */

/** Route prefix of library files. */
export const ASSETS_PREFIX = '/assets/';

/** URL path of a library file: `/assets/<index>/<file>`, each segment percent-encoded. */
export function assetUrlPath(index: number, file: string): string {
  return `${ASSETS_PREFIX}${index}/${file.split('/').map(encodeURIComponent).join('/')}`;
}
