/**
 * `parseHandoffTarget(text)`: reads the `--handoff` value into a {@link HandoffTarget} (docs/handoff.md).
 *
 * Forms:
 * - `dir:<path>`, or a bare path (`./drop`, `/data/drop`): the directory drop;
 * - `triton:http(s)://host:port[/prefix]#<model>`: a KServe v2 (Open Inference Protocol) server
 *   such as NVIDIA Triton, and the model that takes the shards.
 *
 * Pure: paths are kept as written (the caller resolves them). Any other scheme (`s3:`, `ftp:`,
 * `triton:ftp://…`, a bare `http://…`) is refused with the form to use. Credentials never go in
 * the target: a URL with `user:password@` or a query string is refused, the bearer token comes
 * from `--handoff-token-env` instead, so the target (and the ledger's target id built from it)
 * can be logged.
 *
 * @example
 * ```ts
 * parseHandoffTarget('triton:http://trainer:8000#viewforge_handoff');
 * // → { kind: 'triton', baseUrl: 'http://trainer:8000', model: 'viewforge_handoff' }
 * parseHandoffTarget('/data/drop'); // → { kind: 'dir', path: '/data/drop' }
 * ```
 */

const NAME = 'handoff';

/** A directory drop. */
export interface DirTarget {
  kind: 'dir';
  /** The drop folder, as written (relative paths are resolved by the caller). */
  path: string;
}

/** A KServe v2 HTTP endpoint and model. */
export interface TritonTarget {
  kind: 'triton';
  /** Scheme, host, port and optional path prefix, without a trailing slash, e.g. "http://trainer:8000". */
  baseUrl: string;
  /** Model name, as in `/v2/models/<model>/infer`. */
  model: string;
}

/** Where sealed shards go. */
export type HandoffTarget = DirTarget | TritonTarget;

/** Model names the target accepts: what Triton allows in a model repository folder name, minus "/". */
const MODEL_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** A scheme prefix such as "s3:" or "http:" (a single letter would be a Windows drive and is not special). */
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):/;

function fail(value: string, why: string): never {
  throw new Error(`${NAME}: cannot use --handoff ${JSON.stringify(value)}: ${why}`);
}

function parseTriton(value: string, rest: string): TritonTarget {
  const hashAt = rest.indexOf('#');
  const model = hashAt < 0 ? '' : rest.slice(hashAt + 1);
  const urlText = hashAt < 0 ? rest : rest.slice(0, hashAt);
  let url: URL;
  try {
    url = new URL(urlText);
  } catch {
    fail(value, `"${urlText}" is not a URL; write triton:http://host:port#<model>`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    fail(value, `only http and https are supported, got "${url.protocol}"; write triton:http://host:port#<model>`);
  }
  // These two may hold a secret: the message shows the URL without it.
  const shown = `triton:${url.protocol}//${url.host}${url.pathname}${hashAt < 0 ? '' : `#${model}`}`;
  if (url.username !== '' || url.password !== '') {
    fail(shown, 'the URL carries credentials (not shown); remove them and pass a bearer token with --handoff-token-env <NAME>');
  }
  if (url.search !== '') {
    fail(shown, 'the URL has a query string (not shown); remove it (a token goes in --handoff-token-env <NAME>)');
  }
  if (model === '') fail(value, 'no model name; write triton:http://host:port#<model>');
  if (!MODEL_NAME.test(model)) fail(value, `model name "${model}" must match ${MODEL_NAME}`);
  const path = url.pathname.replace(/\/+$/, '');
  return { kind: 'triton', baseUrl: `${url.protocol}//${url.host}${path}`, model };
}

/**
 * Parses a `--handoff` value; see the file header.
 * @throws Error `handoff: cannot use --handoff "<value>": <why and the form to use>`.
 */
export function parseHandoffTarget(value: string): HandoffTarget {
  if (typeof value !== 'string' || value.trim() === '') fail(String(value), 'the value is empty; give a folder or triton:http://host:port#<model>');
  if (value.startsWith('dir:')) {
    const path = value.slice('dir:'.length);
    if (path === '') fail(value, 'no folder after "dir:"');
    return { kind: 'dir', path };
  }
  if (value.startsWith('triton:')) return parseTriton(value, value.slice('triton:'.length));
  const scheme = SCHEME.exec(value);
  if (scheme !== null) {
    const hint = /^https?$/i.test(scheme[1]) ? `; for a KServe v2 server write triton:${value.split('#')[0]}#<model>` : '; use dir:<path> or triton:http(s)://host:port#<model>';
    fail(value, `unsupported scheme "${scheme[1]}:"${hint}`);
  }
  return { kind: 'dir', path: value };
}

/**
 * The target's id as recorded in the hand-off ledger: `dir:<path>` or
 * `triton:<baseUrl>#<model>`. It holds no credential (the parser refuses them), so it may be
 * logged and written; parsing it again gives the same target.
 */
export function getTargetId(target: HandoffTarget): string {
  return target.kind === 'dir' ? `dir:${target.path}` : `triton:${target.baseUrl}#${target.model}`;
}
