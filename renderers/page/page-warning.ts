/**
 * Warnings the page wants in the run's log: it writes them to its console with this prefix
 * (`console.warn`), and the renderer (renderers/chromium/chromium-renderer.ts) passes each distinct
 * one on to its logger. Everything else the page's libraries print stays out of the log.
 */
export const PAGE_WARNING_PREFIX = 'viewforge: ';
