import type { ErrorObject, ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import { NUMBER_FORMATS, STRING_FORMATS } from './formats.js';

/**
 * Turns "ajv said no" into a few readable issues, from ajv's own error objects (the validators
 * run with `allErrors`, and tagged unions with ajv's `discriminator`, so a wrong tag is one error
 * and a right one reports only its branch). What ajv's errors cannot say is added here:
 * - which tags a tagged union allows, when the tag is wrong or missing (looked up in the schema);
 * - for an untagged union, one answer instead of every branch's complaints: the kinds of value
 *   it takes ("must be a string or null"), the one field each alternative needs ("must have url
 *   or fileId"), or the complaints of the branch the value got furthest into.
 */

type Segment = string | number;

interface Found {
  readonly path: readonly Segment[];
  readonly message: string;
  /** What the message is about, for the union rules: a missing key, the value's type, or the value. */
  readonly kind?: 'required' | 'type' | 'value';
  /** The depth of the outermost union that reported it. */
  readonly union?: number;
  /** The values an enum or const allows. */
  readonly values?: readonly unknown[];
}

/** An error, worded, with where ajv found it (a union's branch errors come just before it). */
interface Worded {
  readonly instancePath: string;
  readonly schemaPath: string;
  readonly found: readonly Found[];
}

const TYPE_NAMES: Record<string, string> = {
  null: 'null',
  boolean: 'a boolean',
  number: 'a number',
  integer: 'an integer',
  string: 'a string',
  array: 'an array',
  object: 'an object',
};

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
  let issues: ValidationIssue[];
  try {
    issues = explain(validate.errors, schema, data);
  } catch {
    issues = [];
  }
  return issues.length > 0 ? issues : fromAjvErrors(validate.errors);
}

/** Readable issues from the errors ajv gave for `data` against `schema` (refs resolve in `schema`). */
export function explain(errors: readonly ErrorObject[] | null | undefined, schema: unknown, data: unknown): ValidationIssue[] {
  const stack: Worded[] = [];
  for (const e of errors ?? []) {
    if (e.keyword === 'anyOf' || e.keyword === 'oneOf') {
      // Its branches' errors are the ones just before it, at its place in the data or below.
      let first = stack.length;
      while (first > 0 && within(stack[first - 1]!.instancePath, e.instancePath)) first--;
      const branches = valuesOverTypes(stack.splice(first));
      const depth = parsePointer(e.instancePath).length;
      stack.push({ instancePath: e.instancePath, schemaPath: e.schemaPath, found: union(e, branches, data).map((f) => ({ ...f, union: depth })) });
    } else {
      stack.push({ instancePath: e.instancePath, schemaPath: e.schemaPath, found: word(e, schema, data) });
    }
  }
  return unique(order(valuesOverTypes(stack).flatMap((w) => w.found), data).map((f) => ({ path: formatPath(f.path), message: f.message })));
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

/** ajv's errors one by one in the same path style, with no union rules (the fallback). */
export function fromAjvErrors(errors: readonly ErrorObject[] | null | undefined): ValidationIssue[] {
  return unique((errors ?? []).flatMap((e) => word(e, undefined, undefined)).map((f) => ({ path: formatPath(f.path), message: f.message })));
}

// ---- one error -------------------------------------------------------------------------------

function word(e: ErrorObject, schema: unknown, data: unknown): Found[] {
  const path = parsePointer(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return [{ path: [...path, String(p.missingProperty)], message: 'is required', kind: 'required' }];
    case 'additionalProperties':
      return [{ path: [...path, String(p.additionalProperty)], message: 'is not allowed' }];
    case 'false schema':
      return [{ path, message: 'is not allowed' }];
    case 'type':
      return [{ path, message: `must be ${String(p.type).split(',').map(typeName).join(' or ')}`, kind: 'type' }];
    case 'enum':
      return [{ path, message: oneOf(p.allowedValues as unknown[]), kind: 'value', values: p.allowedValues as unknown[] }];
    case 'const':
      return [{ path, message: `must be ${show(p.allowedValue)}`, kind: 'value', values: [p.allowedValue] }];
    case 'discriminator': {
      // ajv names the tag; the tags allowed are in the schema
      const tag = String(p.tag);
      const allowed = schema === undefined ? [] : tagsAt(schema, data, path, tag);
      const choices = allowed.length > 0 ? oneOf(allowed) : undefined;
      if (p.error === 'tag' && lookup(data, path)?.[tag] === undefined) return [{ path: [...path, tag], message: choices ? `is required (${choices.slice('must be '.length)})` : 'is required' }];
      return [{ path: [...path, tag], message: choices ?? 'must be a string naming a known variant' }];
    }
    case 'minLength':
      return [{ path, message: p.limit === 1 ? 'must not be empty' : `must have at least ${p.limit} characters` }];
    case 'maxLength':
      return [{ path, message: `must have at most ${p.limit} characters` }];
    case 'minItems':
    case 'maxItems':
      return [{ path, message: `must have at ${e.keyword === 'minItems' ? 'least' : 'most'} ${p.limit} item${p.limit === 1 ? '' : 's'}` }];
    case 'additionalItems':
    case 'items':
      return [{ path, message: `must have at most ${p.limit} item${p.limit === 1 ? '' : 's'}` }];
    case 'minProperties':
    case 'maxProperties':
      return [{ path, message: `must have at ${e.keyword === 'minProperties' ? 'least' : 'most'} ${p.limit} properties` }];
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return [{ path, message: `must be ${p.comparison} ${p.limit}` }];
    case 'multipleOf':
      return [{ path, message: `must be a multiple of ${p.multipleOf}` }];
    case 'pattern':
      return [{ path, message: `must match the pattern ${p.pattern}` }];
    case 'format': {
      const format = NUMBER_FORMATS[String(p.format)] ?? STRING_FORMATS[String(p.format)];
      return [{ path, message: format?.message ?? `must match the format ${p.format}` }];
    }
    case 'uniqueItems':
      return [{ path, message: `must not contain duplicates (items ${Math.min(p.i as number, p.j as number)} and ${Math.max(p.i as number, p.j as number)} are equal)` }];
    case 'contains':
      return [{ path, message: 'must contain at least one matching item' }];
    case 'not':
      return [{ path, message: 'must not match the excluded schema' }];
    case 'if':
      return []; // the failing then/else branch has errors of its own
    default:
      return [{ path, message: e.message ?? `fails ${e.keyword}` }];
  }
}

// ---- unions (what ajv's errors cannot say) ----------------------------------------------------

/** One answer for a failed anyOf/oneOf, from its branches' errors. */
function union(e: ErrorObject, before: readonly Worded[], data: unknown): Found[] {
  const path = parsePointer(e.instancePath);
  const passing = (e.params as { passingSchemas?: unknown }).passingSchemas;
  if (Array.isArray(passing)) return [{ path, message: `must match exactly one variant, but matches ${passing.length}` }];

  // Group by branch: inline branches say their index in schemaPath; errors of a $ref'd branch
  // (compiled as a function of its own) do not, and go to the branches nothing else claimed.
  const prefix = `${e.schemaPath}/`;
  const byIndex = new Map<string, Found[]>();
  for (const w of before) {
    const index = w.schemaPath.startsWith(prefix) ? w.schemaPath.slice(prefix.length).split('/')[0]! : '?';
    byIndex.set(index, [...(byIndex.get(index) ?? []), ...w.found]);
  }
  const branches = [...byIndex.values()];
  if (branches.length === 0) return [{ path, message: `must match ${e.keyword === 'anyOf' ? 'a' : 'exactly one'} variant` }];

  // Branches that refuse the kind of value itself (a string where it takes null) cannot be meant.
  const value = valueAt(data, path);
  const refusesKind = (f: Found) => f.path.length === path.length && (f.kind === 'type' || (f.kind === 'value' && !f.values!.some((v) => jsonType(v) === jsonType(value))));
  let candidates = branches.filter((b) => !(b.length > 0 && b.every(refusesKind)));
  if (candidates.length === 0) {
    const kinds = branches.flatMap((b) => b.map((f) => f.message.replace(/^must be /, ''))).filter((m, i, all) => all.indexOf(m) === i);
    return [{ path, message: `must be ${kinds.join(' or ')}`, kind: 'type' }];
  }

  // A tag (a key each branch pins to a value): the branches it rules out are not meant; when it
  // rules out all, say which tags exist.
  const tagMisses = candidates.map((b) => b.filter((f) => f.kind === 'value' && f.path.length === path.length + 1));
  const tag = tagMisses[0]?.map((f) => f.path[path.length]).find((k) => tagMisses.every((m) => m.some((f) => f.path[path.length] === k)));
  if (tag !== undefined) {
    const values = tagMisses.flatMap((m) => m.filter((f) => f.path[path.length] === tag).flatMap((f) => f.values!)).filter((v, i, all) => all.indexOf(v) === i);
    return [{ path: [...path, tag], message: oneOf(values), kind: 'value', values }];
  }
  const untagged = candidates.filter((_, i) => tagMisses[i]!.length === 0);
  if (untagged.length > 0 && untagged.length < candidates.length && tagMisses.some((m) => m.length > 0)) candidates = untagged;
  if (candidates.length === 1) return candidates[0]!;

  // Alternatives that differ only in one required field each: "must have url or fileId".
  if (candidates.every((b) => b.length === 1 && b[0]!.kind === 'required' && b[0]!.path.length === path.length + 1)) {
    const keys = candidates.map((b) => String(b[0]!.path[path.length])).filter((k, i, all) => all.indexOf(k) === i);
    return [{ path, message: `must have ${keys.join(' or ')}` }];
  }

  // Otherwise the branch the value got furthest into: fewest problems, then the deepest.
  let best = candidates[0]!;
  for (const b of candidates) if (b.length < best.length || (b.length === best.length && deepest(b) > deepest(best))) best = b;
  return best;
}

/** The tags a tagged union at `path` of `data` allows (found by following `data` through `schema`). */
function tagsAt(root: unknown, data: unknown, path: readonly Segment[], tag: string): unknown[] {
  let nodes: unknown[] = [root];
  let value = data;
  for (const segment of path) {
    nodes = nodes.flatMap((n) => alternatives(n, root)).flatMap((n) => child(n, segment));
    value = (value as Record<Segment, unknown> | undefined)?.[segment];
  }
  const out: unknown[] = [];
  for (const node of nodes.flatMap((n) => alternatives(n, root))) {
    const pinned = (deref(node, root) as { properties?: Record<string, { const?: unknown; enum?: unknown[] }> } | undefined)?.properties?.[tag];
    const v = pinned && ('const' in pinned ? pinned.const : pinned.enum?.length === 1 ? pinned.enum[0] : undefined);
    if (typeof v === 'string' && !out.includes(v)) out.push(v);
  }
  return out;
}

/** A schema and, through $ref, allOf, anyOf and oneOf, every schema the value may have to meet there. */
function alternatives(schema: unknown, root: unknown, depth = 0): unknown[] {
  const s = deref(schema, root) as Record<string, unknown> | undefined;
  if (s === undefined || typeof s !== 'object' || depth > 16) return [];
  const parts = ['allOf', 'anyOf', 'oneOf'].flatMap((k) => (Array.isArray(s[k]) ? (s[k] as unknown[]) : []));
  return [s, ...parts.flatMap((p) => alternatives(p, root, depth + 1))];
}

function child(schema: unknown, segment: Segment): unknown[] {
  const s = schema as Record<string, unknown>;
  if (typeof segment === 'number') return s.items !== undefined && !Array.isArray(s.items) ? [s.items] : Array.isArray(s.items) ? [s.items[segment]] : [];
  const props = s.properties as Record<string, unknown> | undefined;
  if (props && Object.prototype.hasOwnProperty.call(props, segment)) return [props[segment]];
  return typeof s.additionalProperties === 'object' ? [s.additionalProperties] : [];
}

// ---- helpers ---------------------------------------------------------------------------------

/**
 * One problem per place and schema: a type error beside an enum or const error says less (keep
 * the values); otherwise the first (a type error before a range, a range before a format).
 */
function valuesOverTypes(items: readonly Worded[]): Worded[] {
  const node = (w: Worded) => `${w.instancePath}\u0000${w.schemaPath.slice(0, w.schemaPath.lastIndexOf('/'))}`;
  const valued = new Set(items.filter((w) => w.found.some((f) => f.kind === 'value')).map(node));
  const seen = new Set<string>();
  return items.filter((w) => {
    if (w.found.every((f) => f.kind === 'type') && valued.has(node(w))) return false;
    if (w.found.length !== 1 || w.found[0]!.path.length !== parsePointer(w.instancePath).length) return true; // required, additionalProperties, unions
    const key = node(w);
    return seen.has(key) ? false : (seen.add(key), true);
  });
}

/** In the order of the data: within an object, missing keys first, then the keys as given; a union's problems after the object's own. */
function order(found: readonly Found[], data: unknown): Found[] {
  const rank = (f: Found): number[] => {
    const out: number[] = [];
    let v = data;
    for (const s of f.path) {
      if (typeof s === 'number' || Array.isArray(v)) out.push(Number(s) + 1);
      else {
        const keys = v !== null && typeof v === 'object' ? Object.keys(v) : [];
        // a missing key first, then the keys as given; what a union says after what the object says
        const late = f.union !== undefined && out.length === f.union ? keys.length + 1 : 0;
        out.push(late + keys.indexOf(s) + 1);
      }
      v = v !== null && typeof v === 'object' ? (v as Record<Segment, unknown>)[s] : undefined;
    }
    return out;
  };
  const ranked = found.map((f, i) => ({ f, i, r: rank(f) }));
  ranked.sort((a, b) => {
    for (let k = 0; k < Math.min(a.r.length, b.r.length); k++) if (a.r[k] !== b.r[k]) return a.r[k]! - b.r[k]!;
    return a.r.length - b.r.length || a.i - b.i;
  });
  return ranked.map(({ f }) => f);
}

function within(inner: string, outer: string): boolean {
  return inner === outer || inner.startsWith(`${outer}/`);
}

function parsePointer(pointer: string): Segment[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function valueAt(data: unknown, path: readonly Segment[]): unknown {
  let v = data;
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<Segment, unknown>)[s] : undefined;
  return v;
}

function jsonType(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v;
}

function lookup(data: unknown, path: readonly Segment[]): Record<string, unknown> | undefined {
  let v = data;
  for (const s of path) v = v !== null && typeof v === 'object' ? (v as Record<Segment, unknown>)[s] : undefined;
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function deref(schema: unknown, root: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 32 && s !== null && typeof s === 'object' && typeof (s as { $ref?: unknown }).$ref === 'string'; i++) {
    const ref = (s as { $ref: string }).$ref;
    if (!ref.startsWith('#')) return s;
    let node: unknown = root;
    for (const raw of decodeURIComponent(ref.slice(1)).split('/').slice(1)) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      node = node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined;
    }
    if (node === undefined) return s;
    s = node;
  }
  return s;
}

function typeName(t: string): string {
  return TYPE_NAMES[t] ?? t;
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function oneOf(values: readonly unknown[]): string {
  return values.length === 1 ? `must be ${show(values[0])}` : `must be one of ${values.map(show).join(', ')}`;
}

function deepest(found: readonly Found[]): number {
  return found.reduce((m, f) => Math.max(m, f.path.length), 0);
}

function unique(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    return seen.has(key) ? false : (seen.add(key), true);
  });
}
