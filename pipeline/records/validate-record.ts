/**
 * Validates SFT records and RL records against the JSON Schemas in `schemas/` (the manifest:
 * pipeline/shards/validate-manifest.ts, with the helpers exported here)
 * (draft-07; `meta.schema.json` is shared by both record kinds through `$ref`).
 *
 * The schemas are compiled once, when this module is first imported, with ajv in strict mode and
 * `allErrors`. Each validator first checks the schema, then the few cross-field invariants a
 * schema cannot express (e.g. the number of `<image>` tokens equals the number of images, the
 * answer letter in the assistant message equals `meta.answer`), and throws an Error that names
 * the record id and the first few problems with their instance paths.
 *
 * Validate what will be written: the shard writer validates `JSON.parse(JSON.stringify(record))`,
 * so a NaN (written as `null`) or an `undefined` value (dropped) fails here instead of slipping
 * into a shard.
 *
 * @example
 * ```text
 * validateSftRecord: record "vf-0000002a-00000007" is invalid: /meta/images/0/path must match pattern "…"
 * ```
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import metaSchema from '../../schemas/meta.schema.json' with { type: 'json' };
import rlSchema from '../../schemas/record-rl.schema.json' with { type: 'json' };
import sftSchema from '../../schemas/record-sft.schema.json' with { type: 'json' };
import type { RecordMeta } from './record-meta.js';
import type { RlRecord } from './rl-record.js';
import type { SftRecord } from './sft-record.js';

/** How many problems an error message lists at most. */
export const MAX_REPORTED_ERRORS = 5;

const IMAGE_TOKEN = '<image>';
const ASSISTANT_PATTERN = /^(?:<think>([\s\S]*)<\/think>)?<answer>([A-Z])<\/answer>$/;

const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addSchema(metaSchema);
const checkSft: ValidateFunction = ajv.compile(sftSchema);
const checkRl: ValidateFunction = ajv.compile(rlSchema);

/** One problem: an instance path (JSON Pointer, "" = root) and a message. */
export interface Problem {
  path: string;
  message: string;
}

/** An ajv error as a {@link Problem}, naming the extra property or the allowed values. */
export function describeAjvError(e: ErrorObject): Problem {
  let message = e.message ?? 'is invalid';
  const params = e.params as Record<string, unknown>;
  if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
    message += ` ("${params.additionalProperty}")`;
  } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
    message += ` ${JSON.stringify(params.allowedValues)}`;
  }
  return { path: e.instancePath, message };
}

/** Throws the validation error of `fn` for the object `id`, listing the first problems. */
export function fail(fn: string, id: string, problems: readonly Problem[]): never {
  const shown = problems.slice(0, MAX_REPORTED_ERRORS).map((p) => `${p.path || '/'} ${p.message}`);
  const more = problems.length > MAX_REPORTED_ERRORS ? `; and ${problems.length - MAX_REPORTED_ERRORS} more` : '';
  throw new Error(`${fn}: record "${id}" is invalid: ${shown.join('; ')}${more}`);
}

function getRecordId(value: unknown, metaKey: 'meta' | 'extra_info'): string {
  if (typeof value !== 'object' || value === null) return '(not an object)';
  const rec = value as Record<string, unknown>;
  if (typeof rec.id === 'string') return rec.id;
  const meta = rec[metaKey];
  if (typeof meta === 'object' && meta !== null && typeof (meta as Record<string, unknown>).id === 'string') {
    return (meta as Record<string, string>).id;
  }
  return '(no id)';
}

function countImageTokens(text: string): number {
  return text.split(IMAGE_TOKEN).length - 1;
}

/** Invariants of the meta object that the schema cannot express. */
function checkMeta(meta: RecordMeta, base: string, problems: Problem[]): void {
  const answerIndex = meta.answer.charCodeAt(0) - 65;
  if (answerIndex >= meta.options.length) {
    problems.push({ path: `${base}/answer`, message: `letter "${meta.answer}" has no option (${meta.options.length} options)` });
  } else if (meta.options[answerIndex] !== meta.answer_text) {
    problems.push({ path: `${base}/answer_text`, message: `differs from option ${meta.answer}` });
  }
  if (!meta.template_id.startsWith(`${meta.family}/`)) {
    problems.push({ path: `${base}/template_id`, message: `must start with "${meta.family}/"` });
  }
}

function checkImages(images: readonly string[], meta: RecordMeta, base: string, problems: Problem[]): void {
  images.forEach((path, i) => {
    if (meta.images[i].path !== path) {
      problems.push({ path: `/images/${i}`, message: `differs from ${base}/images/${i}/path` });
    }
  });
}

/**
 * Throws unless `rec` is a valid SFT record (schema plus: roles are [system], user, assistant; the
 * messages hold exactly one `<image>` token per image, all at the start of the user message; the
 * assistant message is `[<think>…</think>]<answer>X</answer>` with X = `meta.answer` and a think
 * block iff `meta.has_cot`; `id` and image paths agree with `meta`).
 */
export function validateSftRecord(rec: unknown): asserts rec is SftRecord {
  const fn = 'validateSftRecord';
  if (!checkSft(rec)) fail(fn, getRecordId(rec, 'meta'), (checkSft.errors ?? []).map(describeAjvError));
  const r = rec as SftRecord;
  const problems: Problem[] = [];
  if (r.id !== r.meta.id) problems.push({ path: '/id', message: `differs from /meta/id "${r.meta.id}"` });
  const roles = r.messages.map((m) => m.role).join(',');
  const expected = r.messages.length === 3 ? 'system,user,assistant' : 'user,assistant';
  if (roles !== expected) problems.push({ path: '/messages', message: `roles must be ${expected}, got ${roles}` });
  const tokens = r.messages.reduce((n, m) => n + countImageTokens(m.content), 0);
  if (tokens !== r.images.length) {
    problems.push({ path: '/messages', message: `hold ${tokens} ${IMAGE_TOKEN} tokens for ${r.images.length} images` });
  }
  const user = r.messages[r.messages.length - 2];
  if (!user.content.startsWith(IMAGE_TOKEN.repeat(r.images.length))) {
    problems.push({ path: `/messages/${r.messages.length - 2}/content`, message: `must start with ${r.images.length} ${IMAGE_TOKEN} tokens` });
  }
  const assistantPath = `/messages/${r.messages.length - 1}/content`;
  const m = ASSISTANT_PATTERN.exec(r.messages[r.messages.length - 1].content);
  if (m === null) {
    problems.push({ path: assistantPath, message: 'must be "<think>…</think><answer>X</answer>" or "<answer>X</answer>"' });
  } else {
    if (m[2] !== r.meta.answer) problems.push({ path: assistantPath, message: `answers "${m[2]}", meta.answer is "${r.meta.answer}"` });
    if ((m[1] !== undefined) !== r.meta.has_cot) problems.push({ path: assistantPath, message: `think block present: ${m[1] !== undefined}, meta.has_cot: ${r.meta.has_cot}` });
  }
  checkImages(r.images, r.meta, '/meta', problems);
  checkMeta(r.meta, '/meta', problems);
  if (problems.length > 0) fail(fn, r.id, problems);
}

/**
 * Throws unless `rec` is a valid RL record (schema plus: the prompt holds exactly one `<image>`
 * token per image, at its start; `reward_model.ground_truth` equals `extra_info.answer`; image
 * paths agree with `extra_info`).
 */
export function validateRlRecord(rec: unknown): asserts rec is RlRecord {
  const fn = 'validateRlRecord';
  if (!checkRl(rec)) fail(fn, getRecordId(rec, 'extra_info'), (checkRl.errors ?? []).map(describeAjvError));
  const r = rec as RlRecord;
  const problems: Problem[] = [];
  const content = r.prompt[0].content;
  const tokens = countImageTokens(content);
  if (tokens !== r.images.length || !content.startsWith(IMAGE_TOKEN.repeat(r.images.length))) {
    problems.push({ path: '/prompt/0/content', message: `must start with ${r.images.length} ${IMAGE_TOKEN} tokens and hold no other (holds ${tokens})` });
  }
  if (r.reward_model.ground_truth !== r.extra_info.answer) {
    problems.push({ path: '/reward_model/ground_truth', message: `differs from /extra_info/answer "${r.extra_info.answer}"` });
  }
  checkImages(r.images, r.extra_info, '/extra_info', problems);
  checkMeta(r.extra_info, '/extra_info', problems);
  if (problems.length > 0) fail(fn, r.extra_info.id, problems);
}
