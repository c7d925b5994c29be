/**
 * Validates a manifest against `schemas/manifest.schema.json` (draft-07, ajv strict mode,
 * compiled when this module is first imported), with the record validators' error format.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import manifestSchema from '../../schemas/manifest.schema.json' with { type: 'json' };
import metaSchema from '../../schemas/meta.schema.json' with { type: 'json' };
import { describeAjvError, fail } from '../records/validate-record.js';
import type { Manifest } from './manifest.js';

const ajv = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true });
ajv.addSchema(metaSchema); // the manifest refers to its shared definitions (sha256, …)
const checkManifest: ValidateFunction = ajv.compile(manifestSchema);

/** Throws unless `m` is a valid manifest; the message names it "manifest". */
export function validateManifest(m: unknown): asserts m is Manifest {
  if (!checkManifest(m)) fail('validateManifest', 'manifest', (checkManifest.errors ?? []).map(describeAjvError));
}
