import type { ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import { issuesOf } from '../validation/explain.js';
import { GATEWAY_METHOD_FIELDS, GATEWAY_PARAMS_SCHEMA_TEXT } from './params-fields.generated.js';
import * as VALIDATORS from './params-validators.generated.js';
import type { GatewayPolicy } from './policy.js';
import { firstOverLong, utf8Length } from './utf8-length.js';

/** Params that passed, ready to forward (undefined: send none), or the first field that did not. */
export type ParamsVerdict =
  | { readonly ok: true; readonly params: Record<string, unknown> | undefined }
  | { readonly ok: false; readonly field: string; readonly message: string };

// The strict schema (closed objects, operator fields and variants removed), compiled at
// `npm run generate`; its text is parsed only to word a refusal.
const validators = VALIDATORS as unknown as Readonly<Record<string, ValidateFunction | undefined>>;
let schema: { readonly definitions: Record<string, unknown> } | undefined;
const definitions = () => (schema ??= JSON.parse(GATEWAY_PARAMS_SCHEMA_TEXT) as { readonly definitions: Record<string, unknown> }).definitions;

/**
 * Checks the params of an allowed method field by field: every field must be one the page may
 * set (GATEWAY_METHOD_FIELDS; operator-owned ones only as null, which is dropped), `model` one of
 * the operator's models, the values valid against the strict schema (nested unknown fields and
 * input items naming server paths refused), every string within the size limits. Returns a new
 * params object made of checked values only.
 */
export function checkParams(method: string, params: unknown, policy: GatewayPolicy): ParamsVerdict {
  const entry = Object.prototype.hasOwnProperty.call(GATEWAY_METHOD_FIELDS, method) ? GATEWAY_METHOD_FIELDS[method]! : undefined;
  if (!entry) return refuse('', `${method} has no field list in the gateway`);
  if (params === undefined || params === null) {
    if (entry.definition === null || entry.optional) return { ok: true, params: undefined };
    return refuse('', `are required by ${method}`);
  }
  if (typeof params !== 'object' || Array.isArray(params)) return refuse('', `must be an object, got ${Array.isArray(params) ? 'an array' : typeof params}`);
  const given = params as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    const value = given[key];
    const cls = Object.prototype.hasOwnProperty.call(entry.fields, key) ? entry.fields[key] : undefined;
    if (cls === undefined) return refuse(key, `is not a field the gateway passes for ${method}`);
    if (value === null && cls !== 'page') continue; // null = the server's default: nothing chosen
    if (cls === 'operator') return refuse(key, "is chosen by the gateway's operator, not the page");
    if (cls === 'model' && !(typeof value === 'string' && policy.models.has(value))) {
      return refuse(key, policy.models.size === 0 ? 'is chosen by the operator: the gateway offers no model choice' : `must be one of the models the gateway offers (${[...policy.models].join(', ')})`);
    }
    out[key] = value;
  }
  if (entry.definition === null) {
    return Object.keys(out).length === 0 ? { ok: true, params: undefined } : refuse('', `must be omitted: ${method} takes no params`);
  }
  const validate = validators[entry.definition];
  if (!validate) return refuse('', `could not be validated: no validator for ${entry.definition}`);
  const issues = issuesOf(validate, { $ref: `#/definitions/${entry.definition}`, definitions: definitions() }, out);
  if (issues !== undefined) return fromIssue(issues);
  const size = oversized(out, policy);
  return size ?? { ok: true, params: out };
}

function fromIssue(issues: readonly ValidationIssue[]): ParamsVerdict {
  const first = issues[0] ?? { path: '', message: 'are not valid' };
  return refuse(first.path, first.message);
}

function refuse(field: string, message: string): ParamsVerdict {
  return { ok: false, field: field === '' ? 'params' : field.startsWith('[') ? `params${field}` : `params.${field}`, message };
}

/**
 * The first string over its limit: each string (and key) at most maxStringBytes, the text of
 * the `input` items together at most maxInputBytes.
 */
function oversized(params: Record<string, unknown>, policy: GatewayPolicy): ParamsVerdict | undefined {
  let inputBytes = 0;
  const input = params.input;
  if (Array.isArray(input)) {
    for (let i = 0; i < input.length; i++) {
      const text = (input[i] as { text?: unknown }).text;
      if (typeof text !== 'string') continue;
      inputBytes += utf8Length(text, policy.maxInputBytes + 1 - inputBytes);
      if (inputBytes > policy.maxInputBytes) return refuse(`input[${i}].text`, `is too long: the input text may have ${policy.maxInputBytes} bytes in all`);
    }
  }
  for (const key of Object.keys(params)) {
    const found = firstOverLong(params[key], key, policy.maxStringBytes, isInputText);
    if (found !== undefined) return refuse(found, `is longer than ${policy.maxStringBytes} bytes`);
  }
  return undefined;
}

const INPUT_TEXT = /^input\[\d+\]\.text$/;
const isInputText = (path: string) => INPUT_TEXT.test(path);
