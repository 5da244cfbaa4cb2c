import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import { NUMBER_FORMATS, STRING_FORMATS } from './formats.js';

/**
 * Turns "ajv said no" into a few readable issues. ajv decides validity; this walks the schema
 * again over the rejected value only (so its cost never touches the valid path) and words what
 * is wrong where. Its edge over ajv's own error list is unions: instead of every branch's
 * complaints it reports the branch that was meant — picked by a `type`-like discriminator, by
 * the kind of value, or by how far the value got — or says which tags are allowed.
 */

type Segment = string | number;
type Schema = boolean | { readonly [keyword: string]: unknown };

interface Found {
  readonly path: readonly Segment[];
  readonly message: string;
  readonly kind?: 'required';
}

interface Context {
  readonly root: unknown;
  depth: number;
}

const MAX_DEPTH = 200;
const TYPE_NAMES: Record<string, string> = {
  null: 'null',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  array: 'an array',
  object: 'an object',
};

/** Readable issues for `data`, which ajv rejected against `schema` (refs resolve in `root`). */
export function explain(schema: unknown, data: unknown, root: unknown = schema): ValidationIssue[] {
  const found = walk(schema as Schema, data, [], { root, depth: 0 });
  const seen = new Set<string>();
  const issues: ValidationIssue[] = [];
  for (const f of found) {
    const issue = { path: formatPath(f.path), message: f.message };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

/** `input[0].type`, `config["a.b"]`; the value itself is ''. */
export function formatPath(path: readonly Segment[]): string {
  let out = '';
  for (const s of path) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(s)) out += out === '' ? s : `.${s}`;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** ajv's own errors, in the same path style (used when the explainer finds nothing). */
export function fromAjvErrors(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  const out: ValidationIssue[] = [];
  const seen = new Set<string>();
  for (const e of errors ?? []) {
    const path: Segment[] = e.instancePath
      .split('/')
      .slice(1)
      .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
      .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
    let message = e.message ?? `fails ${e.keyword}`;
    const params = e.params as Record<string, unknown>;
    if (e.keyword === 'required' && typeof params.missingProperty === 'string') {
      path.push(params.missingProperty);
      message = 'is required';
    } else if (e.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      path.push(params.additionalProperty);
      message = 'is not allowed';
    } else if (e.keyword === 'enum' && Array.isArray(params.allowedValues)) {
      message = oneOf(params.allowedValues);
    }
    const issue = { path: formatPath(path), message };
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}

// ---- the walk --------------------------------------------------------------------------------

function walk(schema: Schema, data: unknown, path: readonly Segment[], ctx: Context): Found[] {
  if (schema === true || schema === undefined || schema === null) return [];
  if (schema === false) return [{ path, message: 'is not allowed' }];
  if (typeof schema !== 'object' || ctx.depth > MAX_DEPTH) return [];
  ctx.depth++;
  try {
    return walkObject(schema, data, path, ctx);
  } finally {
    ctx.depth--;
  }
}

function walkObject(s: { readonly [keyword: string]: unknown }, data: unknown, path: readonly Segment[], ctx: Context): Found[] {
  const out: Found[] = [];

  if (typeof s.$ref === 'string') {
    const target = resolveRef(s.$ref, ctx.root);
    if (target !== undefined) out.push(...walk(target as Schema, data, path, ctx));
  }

  // What kind of value: a mismatch here makes every other check moot.
  if (s.type !== undefined) {
    const types = (Array.isArray(s.type) ? s.type : [s.type]) as string[];
    if (!types.some((t) => hasType(t, data))) {
      const message = Array.isArray(s.enum) ? oneOf(s.enum) : `must be ${types.map((t) => TYPE_NAMES[t] ?? t).join(' or ')}`;
      return [...out, { path, message }];
    }
  }
  if (Array.isArray(s.enum) && !s.enum.some((v) => deepEqual(v, data))) return [...out, { path, message: oneOf(s.enum) }];
  if ('const' in s && !deepEqual(s.const, data)) return [...out, { path, message: `must be ${show(s.const)}` }];

  if (typeof data === 'number') {
    const problem = numberProblem(s, data);
    if (problem) out.push({ path, message: problem });
  } else if (typeof data === 'string') {
    const problem = stringProblem(s, data);
    if (problem) out.push({ path, message: problem });
  } else if (Array.isArray(data)) {
    out.push(...arrayProblems(s, data, path, ctx));
  } else if (data !== null && typeof data === 'object') {
    out.push(...objectProblems(s, data as Record<string, unknown>, path, ctx));
  }

  if (Array.isArray(s.allOf)) for (const sub of s.allOf) out.push(...walk(sub as Schema, data, path, ctx));
  if (Array.isArray(s.anyOf)) out.push(...union('anyOf', s.anyOf as Schema[], data, path, ctx));
  if (Array.isArray(s.oneOf)) out.push(...union('oneOf', s.oneOf as Schema[], data, path, ctx));
  if (s.not !== undefined && walk(s.not as Schema, data, path, ctx).length === 0) out.push({ path, message: 'must not match the excluded schema' });
  if (s.if !== undefined) {
    const branch = walk(s.if as Schema, data, path, ctx).length === 0 ? s.then : s.else;
    if (branch !== undefined) out.push(...walk(branch as Schema, data, path, ctx));
  }
  return out;
}

function numberProblem(s: { readonly [keyword: string]: unknown }, n: number): string | undefined {
  if (typeof s.minimum === 'number' && n < s.minimum) return `must be >= ${s.minimum}`;
  if (typeof s.maximum === 'number' && n > s.maximum) return `must be <= ${s.maximum}`;
  if (typeof s.exclusiveMinimum === 'number' && n <= s.exclusiveMinimum) return `must be > ${s.exclusiveMinimum}`;
  if (typeof s.exclusiveMaximum === 'number' && n >= s.exclusiveMaximum) return `must be < ${s.exclusiveMaximum}`;
  if (typeof s.multipleOf === 'number' && s.multipleOf > 0 && !Number.isInteger(n / s.multipleOf)) return `must be a multiple of ${s.multipleOf}`;
  const format = typeof s.format === 'string' ? NUMBER_FORMATS[s.format] : undefined;
  if (format && !format.validate(n)) return format.message;
  return undefined;
}

function stringProblem(s: { readonly [keyword: string]: unknown }, text: string): string | undefined {
  const length = typeof s.minLength === 'number' || typeof s.maxLength === 'number' ? [...text].length : 0;
  if (typeof s.minLength === 'number' && length < s.minLength) return s.minLength === 1 ? 'must not be empty' : `must have at least ${s.minLength} characters`;
  if (typeof s.maxLength === 'number' && length > s.maxLength) return `must have at most ${s.maxLength} characters`;
  if (typeof s.pattern === 'string') {
    try {
      if (!new RegExp(s.pattern, 'u').test(text)) return `must match the pattern ${s.pattern}`;
    } catch {
      // ajv would have refused the schema; nothing to add
    }
  }
  const format = typeof s.format === 'string' ? STRING_FORMATS[s.format] : undefined;
  if (format && !format.validate(text)) return format.message;
  return undefined;
}

function arrayProblems(s: { readonly [keyword: string]: unknown }, data: readonly unknown[], path: readonly Segment[], ctx: Context): Found[] {
  const out: Found[] = [];
  if (typeof s.minItems === 'number' && data.length < s.minItems) out.push({ path, message: `must have at least ${s.minItems} item${s.minItems === 1 ? '' : 's'}` });
  if (typeof s.maxItems === 'number' && data.length > s.maxItems) out.push({ path, message: `must have at most ${s.maxItems} item${s.maxItems === 1 ? '' : 's'}` });
  if (s.uniqueItems === true) {
    outer: for (let i = 0; i < data.length; i++) {
      for (let j = i + 1; j < data.length; j++) {
        if (deepEqual(data[i], data[j])) {
          out.push({ path, message: `must not contain duplicates (items ${i} and ${j} are equal)` });
          break outer;
        }
      }
    }
  }
  if (Array.isArray(s.items)) {
    const tuple = s.items as Schema[];
    data.forEach((item, i) => {
      const sub = i < tuple.length ? tuple[i] : s.additionalItems;
      if (sub !== undefined) out.push(...walk(sub as Schema, item, [...path, i], ctx));
    });
  } else if (s.items !== undefined) {
    data.forEach((item, i) => out.push(...walk(s.items as Schema, item, [...path, i], ctx)));
  }
  if (s.contains !== undefined && !data.some((item, i) => walk(s.contains as Schema, item, [...path, i], ctx).length === 0)) {
    out.push({ path, message: 'must contain at least one matching item' });
  }
  return out;
}

function objectProblems(s: { readonly [keyword: string]: unknown }, data: Record<string, unknown>, path: readonly Segment[], ctx: Context): Found[] {
  const out: Found[] = [];
  if (Array.isArray(s.required)) {
    for (const key of s.required as string[]) if (data[key] === undefined) out.push({ path: [...path, key], message: 'is required', kind: 'required' });
  }
  const properties = (isObject(s.properties) ? s.properties : {}) as Record<string, Schema>;
  const patterns = isObject(s.patternProperties) ? Object.entries(s.patternProperties as Record<string, Schema>).flatMap(([p, sub]) => compile(p, sub)) : [];
  const keys = Object.keys(data);
  if (typeof s.minProperties === 'number' && keys.length < s.minProperties) out.push({ path, message: `must have at least ${s.minProperties} properties` });
  if (typeof s.maxProperties === 'number' && keys.length > s.maxProperties) out.push({ path, message: `must have at most ${s.maxProperties} properties` });
  for (const key of keys) {
    const value = data[key];
    if (value === undefined) continue;
    let known = false;
    if (Object.prototype.hasOwnProperty.call(properties, key)) {
      known = true;
      out.push(...walk(properties[key]!, value, [...path, key], ctx));
    }
    for (const [re, sub] of patterns) {
      if (re.test(key)) {
        known = true;
        out.push(...walk(sub, value, [...path, key], ctx));
      }
    }
    if (!known && s.additionalProperties !== undefined) {
      if (s.additionalProperties === false) out.push({ path: [...path, key], message: 'is not allowed' });
      else out.push(...walk(s.additionalProperties as Schema, value, [...path, key], ctx));
    }
  }
  return out;
}

function compile(pattern: string, sub: Schema): Array<[RegExp, Schema]> {
  try {
    return [[new RegExp(pattern, 'u'), sub]];
  } catch {
    return [];
  }
}

// ---- unions ----------------------------------------------------------------------------------

function union(kind: 'anyOf' | 'oneOf', branches: readonly Schema[], data: unknown, path: readonly Segment[], ctx: Context): Found[] {
  const results = branches.map((b) => walk(b, data, path, ctx));
  const valid = results.filter((r) => r.length === 0).length;
  if (kind === 'anyOf' ? valid > 0 : valid === 1) return [];
  if (valid > 1) return [{ path, message: `must match exactly one variant, but matches ${valid}` }];

  // Only the branches that accept this kind of value (a string, an object, …) can be meant.
  let candidates = branches.map((_, i) => i).filter((i) => accepts(branches[i]!, data, ctx));
  if (candidates.length === 0) return [{ path, message: `must be ${branches.map((b) => describe(b, ctx)).filter(unique).join(' or ')}` }];

  // A tagged union: the tag says which branch was meant, or that the tag itself is wrong.
  if (candidates.length > 1 && isObject(data)) {
    const tag = discriminator(candidates.map((i) => branches[i]!), ctx);
    if (tag) {
      const value = (data as Record<string, unknown>)[tag.key];
      const allowed = tag.values.filter(unique);
      if (value === undefined) return [{ path: [...path, tag.key], message: `is required (${oneOf(allowed).slice('must be '.length)})` }];
      const meant = candidates.filter((_, n) => deepEqual(tag.values[n], value));
      if (meant.length === 0) return [{ path: [...path, tag.key], message: oneOf(allowed) }];
      candidates = meant;
    }
  }
  if (candidates.length === 1) return results[candidates[0]!]!;

  // Alternatives that differ only in one required field each: "must have url or fileId".
  const onlyMissing = candidates.every((i) => results[i]!.length === 1 && results[i]![0]!.kind === 'required' && results[i]![0]!.path.length === path.length + 1);
  if (onlyMissing) {
    const keys = candidates.map((i) => String(results[i]![0]!.path[path.length])).filter(unique);
    return [{ path, message: `must have ${keys.join(' or ')}` }];
  }

  // Otherwise the branch the value got furthest into: fewest problems, then the deepest.
  let best = candidates[0]!;
  for (const i of candidates) {
    const r = results[i]!;
    const b = results[best]!;
    if (r.length < b.length || (r.length === b.length && maxDepth(r) > maxDepth(b))) best = i;
  }
  return results[best]!;
}

/** The property every branch pins to one value (`type`, `method`, …), and each branch's value. */
function discriminator(branches: readonly Schema[], ctx: Context): { key: string; values: unknown[] } | undefined {
  const props = branches.map((b) => {
    const s = deref(b, ctx);
    return isObject(s) && isObject((s as Record<string, unknown>).properties) ? ((s as Record<string, unknown>).properties as Record<string, Schema>) : undefined;
  });
  if (props.some((p) => p === undefined)) return undefined;
  const pinned = (p: Record<string, Schema>, key: string): { value: unknown } | undefined => {
    const s = deref(p[key], ctx);
    if (!isObject(s)) return undefined;
    const o = s as Record<string, unknown>;
    if ('const' in o) return { value: o.const };
    if (Array.isArray(o.enum) && o.enum.length === 1) return { value: o.enum[0] };
    return undefined;
  };
  const keys = Object.keys(props[0]!).filter((k) => props.every((p) => pinned(p!, k) !== undefined));
  if (keys.length === 0) return undefined;
  const key = ['type', 'method', 'kind'].find((k) => keys.includes(k)) ?? keys[0]!;
  return { key, values: props.map((p) => pinned(p!, key)!.value) };
}

/** Could this branch take a value of this kind at all? */
function accepts(schema: Schema, data: unknown, ctx: Context): boolean {
  const types = shallowTypes(schema, ctx, 0);
  return types === undefined || [...types].some((t) => hasType(t, data));
}

/** The JSON types a schema allows at its top, or undefined for "any". */
function shallowTypes(schema: Schema, ctx: Context, depth: number): Set<string> | undefined {
  const s = deref(schema, ctx);
  if (s === true || s === undefined || depth > 20) return undefined;
  if (s === false) return new Set();
  if (!isObject(s)) return undefined;
  const o = s as Record<string, unknown>;
  if (o.type !== undefined) return new Set((Array.isArray(o.type) ? o.type : [o.type]) as string[]);
  if (Array.isArray(o.enum)) return new Set(o.enum.map(jsonType));
  if ('const' in o) return new Set([jsonType(o.const)]);
  const parts = (Array.isArray(o.anyOf) ? o.anyOf : Array.isArray(o.oneOf) ? o.oneOf : undefined) as Schema[] | undefined;
  if (parts) {
    const all = new Set<string>();
    for (const p of parts) {
      const t = shallowTypes(p, ctx, depth + 1);
      if (t === undefined) return undefined;
      for (const x of t) all.add(x);
    }
    return all;
  }
  if (Array.isArray(o.allOf)) {
    for (const p of o.allOf as Schema[]) {
      const t = shallowTypes(p, ctx, depth + 1);
      if (t !== undefined) return t;
    }
  }
  return undefined;
}

/** How a branch reads in "must be X or Y": its allowed values, or its kind. */
function describe(schema: Schema, ctx: Context): string {
  const s = deref(schema, ctx);
  if (isObject(s)) {
    const o = s as Record<string, unknown>;
    if (Array.isArray(o.enum)) return oneOf(o.enum).slice('must be '.length);
    if ('const' in o) return show(o.const);
    const parts = (Array.isArray(o.anyOf) ? o.anyOf : Array.isArray(o.oneOf) ? o.oneOf : undefined) as Schema[] | undefined;
    if (parts && o.type === undefined) return parts.map((p) => describe(p, ctx)).filter(unique).join(' or ');
  }
  const types = shallowTypes(schema, ctx, 0);
  return types ? [...types].map((t) => TYPE_NAMES[t] ?? t).join(' or ') : 'another value';
}

// ---- helpers ---------------------------------------------------------------------------------

function deref(schema: unknown, ctx: Context): unknown {
  let s = schema;
  for (let i = 0; i < 32 && isObject(s) && typeof (s as Record<string, unknown>).$ref === 'string'; i++) {
    const o = s as Record<string, unknown>;
    const target = resolveRef(o.$ref as string, ctx.root);
    if (target === undefined) return s;
    // A $ref with siblings (other than annotations) keeps them: return as is.
    if (Object.keys(o).some((k) => k !== '$ref' && k !== 'description' && k !== 'title' && k !== 'default')) return s;
    s = target;
  }
  return s;
}

function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith('#')) return undefined;
  const pointer = decodeURIComponent(ref.slice(1));
  if (pointer === '') return root;
  if (!pointer.startsWith('/')) return undefined;
  let node: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.prototype.hasOwnProperty.call(node, key)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function hasType(type: string, v: unknown): boolean {
  switch (type) {
    case 'null':
      return v === null;
    case 'boolean':
      return typeof v === 'boolean';
    case 'number':
      return typeof v === 'number' && Number.isFinite(v);
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
    case 'string':
      return typeof v === 'string';
    case 'array':
      return Array.isArray(v);
    case 'object':
      return isObject(v);
    default:
      return false;
  }
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => deepEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? `must be ${show(values[0])}` : `must be one of ${values.map(show).join(', ')}`;
}

function unique<T>(v: T, i: number, all: readonly T[]): boolean {
  return all.indexOf(v) === i;
}

function maxDepth(found: readonly Found[]): number {
  return found.reduce((m, f) => Math.max(m, f.path.length), 0);
}

/** Runs a compiled validator: readable issues, or undefined when `data` conforms. Never throws for data. */
export function issuesOf(validate: ValidateFunction, schema: unknown, data: unknown): ValidationIssue[] | undefined {
  let ok: boolean;
  try {
    ok = validate(data) as boolean;
  } catch (e) {
    // e.g. a cyclic value against a recursive schema
    return [{ path: '', message: `could not be validated: ${(e as Error)?.message ?? String(e)}` }];
  }
  if (ok) return undefined;
  const errors = validate.errors;
  let issues: ValidationIssue[];
  try {
    issues = explain(schema, data);
  } catch {
    issues = [];
  }
  return issues.length > 0 ? issues : fromAjvErrors(errors);
}
