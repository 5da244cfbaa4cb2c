// lib/validation/explain.ts against ajv: on every generated schema (the params of every client
// method, the result of every server request), for a seeded set of valid and mutated values:
// - the validators the client runs (ajv standalone code with `discriminator` on tagged unions,
//   lib/protocol/*validators.generated.ts) give the verdict plain ajv gives on the same schema
//   (no discriminator), so the tag shortcut changes no verdict;
// - the explainer's verdict (issuesOf: undefined = valid) equals that verdict, and each issue it
//   gives points into the value (a place in it, or a missing key of an object in it).
import Ajv, { type ValidateFunction } from 'ajv';
import * as ANSWER_VALIDATORS from '../../lib/protocol/answer-validators.generated';
import { CLIENT_PARAMS_SCHEMA_TEXT } from '../../lib/protocol/params-definitions.generated';
import { SERVER_REQUEST_RESULT_SCHEMA } from '../../lib/protocol/result-schema-text.generated';
import { CLIENT_PARAMS_DEFINITIONS, SERVER_REQUEST_RESULT_DEFINITIONS } from '../../lib/protocol/validation-tables.generated';
import * as PARAMS_VALIDATORS from '../../lib/protocol/validators.generated';
import type { ValidationIssue } from '../../lib/errors';
import { SERVER_NOTIFICATION_SCHEMA, SERVER_REQUEST_SCHEMA } from '../../lib/protocol/schema-text.generated';
import { formatPath, issuesOf } from '../../lib/validation/explain';
import { ProtocolSchema } from '../../lib/validation/protocol-schemas';
import { addFormats } from '../../lib/validation/formats';
import { prng } from '../support/prng';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Schema = boolean | { readonly [keyword: string]: unknown };

const VALUES_PER_SCHEMA = 12;
const MUTATIONS_PER_VALUE = 4;

/** A value meant to satisfy `schema` (it may not: ajv is the judge, the spec only compares verdicts). */
class Generator {
  constructor(
    private readonly definitions: Record<string, unknown>,
    private readonly random: () => number,
  ) {}

  value(schema: Schema, depth = 0): Json {
    if (schema === true || schema === undefined) return this.any(depth);
    if (schema === false) return null;
    let s = schema as Record<string, unknown>;
    if (typeof s.$ref === 'string') {
      const target = this.definitions[s.$ref.replace('#/definitions/', '')] as Record<string, unknown>;
      const { $ref, ...rest } = s;
      void $ref;
      s = { ...target, ...rest };
    }
    if ('const' in s) return s.const as Json;
    if (Array.isArray(s.enum)) return this.pick(s.enum) as Json;
    for (const k of ['oneOf', 'anyOf'] as const) {
      if (Array.isArray(s[k])) {
        const branches = s[k] as Schema[];
        // deep in a recursive schema, the first branch without objects/arrays ends the recursion
        const branch = depth > 4 ? (branches.find((b) => !isComposite(b, this.definitions)) ?? branches[0]!) : this.pick(branches);
        const { [k]: _, ...rest } = s;
        void _;
        return this.value(mergeBranch(rest, branch as Record<string, unknown>, this.definitions), depth + 1);
      }
    }
    if (Array.isArray(s.allOf)) return this.value((s.allOf as Schema[]).reduce<Record<string, unknown>>((m, b) => mergeBranch(m, b as Record<string, unknown>, this.definitions), omit(s, 'allOf')), depth + 1);
    const types = s.type === undefined ? (s.properties ? ['object'] : ['string']) : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    const type = depth > 4 && types.includes('null') ? 'null' : this.pick(types);
    switch (type) {
      case 'null':
        return null;
      case 'boolean':
        return this.random() < 0.5;
      case 'integer':
      case 'number': {
        const min = typeof s.minimum === 'number' ? s.minimum : 0;
        const max = typeof s.maximum === 'number' ? s.maximum : min + 1000;
        const n = min + Math.floor(this.random() * (max - min + 1));
        return type === 'number' && this.random() < 0.3 ? n + 0.5 : n;
      }
      case 'string': {
        const min = typeof s.minLength === 'number' ? s.minLength : 0;
        const base = this.pick(['x', 'hello', 'gpt-5', '/tmp/work', 'thr_123']);
        return base.padEnd(min, 'y');
      }
      case 'array': {
        const min = typeof s.minItems === 'number' ? s.minItems : 0;
        const n = depth > 4 ? min : min + Math.floor(this.random() * 3);
        return Array.from({ length: n }, () => this.value((s.items ?? true) as Schema, depth + 1));
      }
      case 'object': {
        const out: Record<string, Json> = {};
        const properties = (s.properties ?? {}) as Record<string, Schema>;
        const required = new Set((s.required ?? []) as string[]);
        for (const [key, sub] of Object.entries(properties)) {
          if (required.has(key) || (depth <= 4 && this.random() < 0.5)) out[key] = this.value(sub, depth + 1);
        }
        if (s.additionalProperties !== undefined && s.additionalProperties !== false && depth <= 4 && this.random() < 0.5) {
          out.extraKey = this.value(s.additionalProperties as Schema, depth + 1);
        }
        return out;
      }
      default:
        return this.any(depth);
    }
  }

  /** `value` changed in one place: a key dropped or added, a value of the wrong kind, a tag misspelt. */
  mutate(value: Json): Json {
    const copy = structuredClone(value);
    const spots = locations(copy);
    const [parent, key] = this.pick(spots);
    const wrong: Json[] = [12345, -1, 0.5, 'txt', '', null, true, {}, [], [1, 'a'], { type: 'nope' }];
    if (parent === undefined) return this.pick(wrong);
    const holder = parent as Record<string | number, Json>;
    const r = this.random();
    if (r < 0.25 && !Array.isArray(parent)) delete holder[key];
    else if (r < 0.45 && !Array.isArray(parent)) holder[`${String(key)}Typo`] = holder[key] ?? 'x';
    else if (r < 0.6 && typeof holder[key] === 'string') holder[key] = `${holder[key]}x`;
    else holder[key] = this.pick(wrong);
    return copy;
  }

  private any(depth: number): Json {
    return depth > 4 ? 'x' : this.pick<Json>(['x', 1, true, null, { a: 1 }, [1]]);
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)]!;
  }
}

function isComposite(schema: Schema, definitions: Record<string, unknown>): boolean {
  if (typeof schema !== 'object') return false;
  const s = typeof schema.$ref === 'string' ? (definitions[schema.$ref.replace('#/definitions/', '')] as Record<string, unknown>) : schema;
  const types = Array.isArray(s.type) ? s.type : [s.type];
  return types.includes('object') || types.includes('array') || s.oneOf !== undefined || s.anyOf !== undefined || s.$ref !== undefined;
}

function mergeBranch(base: Record<string, unknown>, branch: Record<string, unknown>, definitions: Record<string, unknown>): Record<string, unknown> {
  const b = typeof branch.$ref === 'string' ? { ...(definitions[branch.$ref.replace('#/definitions/', '')] as Record<string, unknown>), ...omit(branch, '$ref') } : branch;
  return { ...base, ...b, properties: { ...((base.properties as object) ?? {}), ...((b.properties as object) ?? {}) }, required: [...((base.required as string[]) ?? []), ...((b.required as string[]) ?? [])] };
}

function omit(o: Record<string, unknown>, key: string): Record<string, unknown> {
  const { [key]: _, ...rest } = o;
  void _;
  return rest;
}

/** Every (container, key) in a value, and (undefined, '') for the value itself. */
function locations(value: Json): Array<[Json | undefined, string | number]> {
  const out: Array<[Json | undefined, string | number]> = [[undefined, '']];
  const visit = (v: Json) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push([v, i]), visit(x)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push([v, k]), visit(x);
  };
  visit(value);
  return out;
}

interface Tally {
  schemas: number;
  valid: number;
  invalid: number;
  disagreements: string[];
}

/** The paths issues may name: every place in the value, and every key an object in it could have. */
function reachable(value: Json): (path: string) => boolean {
  const places = new Set<string>();
  const objects = new Set<string>();
  const visit = (v: Json, path: Array<string | number>) => {
    places.add(formatPath(path));
    if (Array.isArray(v)) v.forEach((x, i) => visit(x, [...path, i]));
    else if (v !== null && typeof v === 'object') {
      objects.add(formatPath(path));
      for (const [k, x] of Object.entries(v)) visit(x, [...path, k]);
    }
  };
  visit(value, []);
  return (path) => places.has(path) || [...objects].some((o) => path.startsWith(o) && /^(\.[A-Za-z_$][\w$]*|\[".*"\])$/.test(path.slice(o.length)) || (o === '' && /^[A-Za-z_$][\w$]*$/.test(path)));
}

/** The shipped check of definition `name`: its verdict, and the explainer's issues (undefined = valid). */
type Shipped = (name: string, root: object) => { verdict(value: unknown): boolean; issues(value: unknown): ValidationIssue[] | undefined };

const standalone =
  (validators: Record<string, ValidateFunction | undefined>): Shipped =>
  (name, root) => {
    const validate = validators[name];
    if (!validate) throw new Error(`no validator for ${name}`);
    return { verdict: (value) => validate(value) as boolean, issues: (value) => issuesOf(validate, root, value) };
  };

function compare(what: string, definitions: Record<string, unknown>, names: readonly string[], shipped: Shipped): Tally {
  const tally: Tally = { schemas: 0, valid: 0, invalid: 0, disagreements: [] };
  const plain = new Ajv({ strict: false, logger: false, allowUnionTypes: true, strictNumbers: true, validateSchema: false });
  addFormats(plain, false);
  plain.addSchema({ $id: 'plain', definitions });
  names.forEach((name, n) => {
    const root = { $ref: `#/definitions/${name}`, definitions };
    const check = shipped(name, root);
    const reference = plain.getSchema(`plain#/definitions/${name}`)!;
    tally.schemas++;
    const generator = new Generator(definitions, prng(0x5eed + n));
    const values: Json[] = [];
    for (let i = 0; i < VALUES_PER_SCHEMA; i++) {
      const value = generator.value(root);
      values.push(value);
      for (let j = 0; j < MUTATIONS_PER_VALUE; j++) values.push(generator.mutate(value));
    }
    for (const value of values) {
      const ajvValid = reference(value) as boolean;
      const shown = JSON.stringify(value).slice(0, 300);
      if (check.verdict(value) !== ajvValid) tally.disagreements.push(`${what} ${name}: plain ajv says ${ajvValid ? 'valid' : 'invalid'}, the generated validator does not, for ${shown}`);
      const issues = check.issues(value);
      if (ajvValid) tally.valid++;
      else tally.invalid++;
      if (ajvValid !== (issues === undefined)) tally.disagreements.push(`${what} ${name}: ajv says ${ajvValid ? 'valid' : 'invalid'}, explain says ${JSON.stringify(issues)} for ${shown}`);
      const inside = reachable(value);
      for (const issue of issues ?? []) {
        if (!inside(issue.path) || issue.message === '') tally.disagreements.push(`${what} ${name}: ${JSON.stringify(issue)} does not point into ${shown}`);
      }
    }
  });
  return tally;
}

/** Prints the tally and asserts: every schema compared, both verdicts seen more than once a schema, no disagreement. */
function expectAgreement(what: string, names: readonly string[], tally: Tally): void {
  console.log(`explain vs ajv, ${what}: ${tally.schemas} schemas, ${tally.valid} valid and ${tally.invalid} invalid values, ${tally.disagreements.length} disagreements`);
  expect(tally.schemas).toBe(names.length);
  // both verdicts must actually occur, or the comparison proves nothing
  expect(tally.valid).toBeGreaterThan(tally.schemas);
  expect(tally.invalid).toBeGreaterThan(tally.schemas);
  expect(tally.disagreements.slice(0, 10)).toEqual([]);
}

describe('explain agrees with ajv on every generated schema', () => {
  it('the params of every client method', () => {
    const definitions = (JSON.parse(CLIENT_PARAMS_SCHEMA_TEXT) as { definitions: Record<string, unknown> }).definitions;
    const names = [...new Set(Object.values(CLIENT_PARAMS_DEFINITIONS).filter((d): d is string => typeof d === 'string'))].sort();
    expectAgreement('params', names, compare('params', definitions, names, standalone(PARAMS_VALIDATORS as unknown as Record<string, ValidateFunction>)));
  });

  it('the result of every server request (what the client answers)', () => {
    const definitions = (JSON.parse(SERVER_REQUEST_RESULT_SCHEMA) as { definitions: Record<string, unknown> }).definitions;
    const names = [...new Set(Object.values(SERVER_REQUEST_RESULT_DEFINITIONS))].sort();
    expectAgreement('answers', names, compare('answers', definitions, names, standalone(ANSWER_VALIDATORS as unknown as Record<string, ValidateFunction>)));
  });

  it('the params of every server notification and request (inbound validation, compiled at run time)', () => {
    for (const [what, text] of [['notifications', SERVER_NOTIFICATION_SCHEMA], ['server requests', SERVER_REQUEST_SCHEMA]] as const) {
      const schema = new ProtocolSchema(text);
      const definitions = schema.schema.definitions;
      const names = [...new Set((schema.schema.oneOf ?? []).map((v) => schema.paramsOf(String((v as { properties: { method: { enum: unknown[] } } }).properties.method.enum[0]))?.definition))].filter((d): d is string => typeof d === 'string').sort();
      const shipped: Shipped = (name) => ({ verdict: (value) => schema.check(name, value) === undefined, issues: (value) => schema.check(name, value) });
      expectAgreement(what, names, compare(what, definitions, names, shipped));
    }
  });
});
