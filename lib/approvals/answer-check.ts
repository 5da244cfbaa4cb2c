import type { ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import * as VALIDATORS from '../protocol/answer-validators.generated.js';
import { SERVER_REQUEST_RESULT_SCHEMA } from '../protocol/result-schema-text.generated.js';
import { SERVER_REQUEST_RESULT_DEFINITIONS } from '../protocol/validation-tables.generated.js';
import { issuesOf } from '../validation/explain.js';

// The binary's own schema of every server request's result (its `*Response.json`), compiled at
// `npm run generate` (ajv standalone code: no eval at run time). The schema text is parsed only
// to word a failure.
const validators = VALIDATORS as unknown as Readonly<Record<string, ValidateFunction | undefined>>;
let parsed: { readonly definitions: Record<string, unknown> } | undefined;
const resultSchema = () => (parsed ??= JSON.parse(SERVER_REQUEST_RESULT_SCHEMA) as { readonly definitions: Record<string, unknown> });

/** Issues of `data` against result definition `name`, or undefined when it conforms. */
function check(name: string, data: unknown): ValidationIssue[] | undefined {
  const validate = validators[name];
  if (!validate) return [{ path: '', message: `could not be validated: no validator for ${name}` }];
  return issuesOf(validate, { $ref: `#/definitions/${name}`, definitions: resultSchema().definitions }, data);
}

/**
 * Shape check of an answer before it is sent, against the result schema the pinned binary
 * generated for that server request: a typo (`{ decision: 'yes' }`, `'accept'` instead of
 * `{ decision: 'accept' }`) must not reach the server, where its meaning is undefined.
 * Empty = fine. Methods the schema does not know only need an object. `legacyCurrentTime`: the
 * name of the server request of older servers that the schema no longer has
 * (LEGACY_CURRENT_TIME, handed over by the caller: this chunk reaches no module of the page).
 */
export function answerIssues(method: string, result: unknown, legacyCurrentTime?: string): ValidationIssue[] {
  if (!isObject(result)) return [{ path: '', message: `must be an object, got ${kindOf(result)}` }];
  if (method === legacyCurrentTime) {
    // Gone from the protocol (and its schemas) in 0.171.0; older servers still ask.
    return typeof result.currentTimeAt === 'number' ? [] : [{ path: 'currentTimeAt', message: 'must be a number (Unix seconds)' }];
  }
  const definition = Object.prototype.hasOwnProperty.call(SERVER_REQUEST_RESULT_DEFINITIONS, method) ? SERVER_REQUEST_RESULT_DEFINITIONS[method]! : undefined;
  if (definition === undefined) return [];
  let issues: readonly ValidationIssue[] | undefined;
  try {
    issues = check(definition, result);
  } catch (e) {
    // a validator that cannot run: refuse rather than send unchecked
    return [{ path: '', message: `could not be validated: ${(e as Error)?.message ?? String(e)}` }];
  }
  return issues === undefined ? [] : reword(definition, result, issues);
}

/**
 * The fields that pick what happens (`decision`, `scope`, `action`) are choices among a few
 * values and one-key objects; when such a field is wrong, list the choices and what was given
 * instead of the explainer's guess at the branch that was meant.
 */
function reword(definition: string, result: Record<string, unknown>, issues: readonly ValidationIssue[]): ValidationIssue[] {
  const properties = (definitionOf(definition) as { properties?: Record<string, unknown> }).properties ?? {};
  const out: ValidationIssue[] = [];
  const done = new Set<string>();
  for (const issue of issues) {
    const key = topKey(issue.path);
    const choices = key !== undefined && Object.prototype.hasOwnProperty.call(properties, key) ? choicesOf(properties[key]) : undefined;
    const value = key === undefined ? undefined : result[key];
    // A one-key object naming a real choice is that choice: its own issues say what is wrong inside it.
    if (!choices || (isObject(value) && Object.keys(value).length === 1 && choices.keys.includes(Object.keys(value)[0]!))) {
      out.push(issue);
    } else if (!done.has(key!)) {
      done.add(key!);
      const allowed = [...choices.values.map((v) => JSON.stringify(v)), ...choices.keys.map((k) => `{ ${k}: … }`)].join(', ');
      out.push({ path: key!, message: value === undefined ? `is required: one of ${allowed}` : `must be one of ${allowed}; got ${shown(value)}` });
    }
  }
  return out;
}

/** The values and one-key objects a schema allows, or undefined when it is not such a choice. */
function choicesOf(schema: unknown): { values: unknown[]; keys: string[] } | undefined {
  const s = resolve(schema);
  if (!isObject(s)) return undefined;
  if (Array.isArray(s.enum)) return { values: [...s.enum], keys: [] };
  if ('const' in s) return { values: [s.const], keys: [] };
  if (Array.isArray(s.allOf) && s.allOf.length === 1) return choicesOf(s.allOf[0]);
  const branches = Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : undefined;
  if (!branches) return undefined;
  const out = { values: [] as unknown[], keys: [] as string[] };
  for (const branch of branches) {
    const b = resolve(branch);
    const required = isObject(b) && Array.isArray(b.required) ? (b.required as unknown[]) : [];
    if (isObject(b) && b.type === 'object' && required.length === 1 && typeof required[0] === 'string') {
      out.keys.push(required[0]);
      continue;
    }
    const inner = choicesOf(b);
    if (!inner) return undefined;
    out.values.push(...inner.values);
    out.keys.push(...inner.keys);
  }
  return out;
}

function resolve(schema: unknown): unknown {
  const ref = isObject(schema) ? schema.$ref : undefined;
  return typeof ref === 'string' && ref.startsWith('#/definitions/') ? definitionOf(ref.slice('#/definitions/'.length)) : schema;
}

function definitionOf(name: string): unknown {
  return resultSchema().definitions[name];
}

/** `decision` of `decision`, `decision.x`, `decision[0]`; undefined for the root. */
function topKey(path: string): string | undefined {
  const match = /^[A-Za-z_$][\w$]*/.exec(path);
  return match ? match[0] : undefined;
}

/** The value given, cut short: enough to spot the typo, never a whole payload. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function kindOf(v: unknown): string {
  return v === null || v === undefined ? String(v) : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
