import Ajv, { type ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import { issuesOf } from './explain.js';
import { addFormats } from './formats.js';

/**
 * Validates structured output (the agent's final answer, parsed) against the caller's
 * `outputSchema`. Each schema object is compiled once (cached by identity in a WeakMap): reuse
 * the same object across turns. The schema is the caller's, so ajv is lenient about it
 * (unknown keywords and formats are ignored, never logged); the common string formats
 * (date-time, date, time, email, uuid, uri, ipv4, hostname) are checked.
 */
export function validateOutput(schema: object, value: unknown): ValidationIssue[] | undefined {
  const validate = compileOutputSchema(schema);
  return typeof validate === 'function' ? issuesOf(validate, schema, value) : [validate];
}

/**
 * The compiled validator of an output schema (cached per schema object), or the issue that says
 * why the schema itself cannot be compiled (the caller words it as a ValidationError of
 * `outputSchema`: this chunk does not load the error classes).
 */
export function compileOutputSchema(schema: object): ValidateFunction | ValidationIssue {
  let validate = cache.get(schema);
  if (!validate) {
    const ajv = outputAjv();
    const compiled = stripDialect(schema);
    try {
      validate = ajv.compile(compiled);
    } catch (e) {
      return { path: '', message: `is not a usable JSON Schema: ${(e as Error)?.message ?? String(e)}` };
    } finally {
      ajv.removeSchema(compiled); // ajv caches by object forever; the WeakMap lets it go with the schema
    }
    cache.set(schema, validate);
  }
  return validate;
}

const cache = new WeakMap<object, ValidateFunction>();
let shared: Ajv | undefined;

function outputAjv(): Ajv {
  if (!shared) {
    shared = new Ajv({
      strict: false, // the caller's schema: tolerate vendor keywords
      logger: false, // …without console noise
      allowUnionTypes: true,
      strictNumbers: true,
      allErrors: true, // every offending field, worded by the explainer
      validateSchema: false,
      addUsedSchema: false, // two schemas with the same $id must not clash
    });
    addFormats(shared, true);
  }
  return shared;
}

/** ajv's default class speaks draft-07; a `$schema` naming another dialect would make it refuse. */
function stripDialect(schema: object): object {
  if (!('$schema' in schema)) return schema;
  const { $schema, ...rest } = schema as { $schema?: unknown };
  void $schema;
  return rest;
}
