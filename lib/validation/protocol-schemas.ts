import Ajv, { type ValidateFunction } from 'ajv';
import type { ValidationIssue } from '../errors.js';
import { explain, fromAjvErrors } from './explain.js';
import { addFormats } from './formats.js';

/**
 * One of the binary's JSON Schemas (a `definitions` table), parsed on first use, with each
 * definition compiled on first use: only the definitions it reaches are handed to ajv, so one
 * method costs milliseconds instead of compiling every method of the protocol at once.
 */
export class ProtocolSchema {
  private parsed?: { readonly definitions: Record<string, unknown>; readonly oneOf?: readonly unknown[] };
  private readonly compiled = new Map<string, { readonly validate: ValidateFunction; readonly schema: object }>();

  constructor(private readonly text: string) {}

  /** The parsed schema (parsed once). */
  get schema(): { readonly definitions: Record<string, unknown>; readonly oneOf?: readonly unknown[] } {
    return (this.parsed ??= JSON.parse(this.text));
  }

  /**
   * The params definition of each method of the union (`oneOf` of `{method: {enum: [m]}, params}`):
   * `params: {$ref}` → required; `params: {anyOf: [{$ref}, {type: null}]}` → optional; otherwise none.
   */
  paramsOf(method: string): { readonly definition: string | null; readonly optional: boolean } | undefined {
    this.methods ??= methodTable(this.schema.oneOf ?? []);
    return this.methods.get(method);
  }

  private methods?: Map<string, { readonly definition: string | null; readonly optional: boolean }>;

  /** True when the schema defines `name`. */
  has(name: string): boolean {
    return Object.prototype.hasOwnProperty.call(this.schema.definitions, name);
  }

  /** Issues of `data` against definition `name`, or undefined when it conforms. Never throws for data. */
  check(name: string, data: unknown): ValidationIssue[] | undefined {
    const { validate, schema } = this.compile(name);
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

  private compile(name: string): { readonly validate: ValidateFunction; readonly schema: object } {
    let entry = this.compiled.get(name);
    if (!entry) {
      const schema = { $ref: `#/definitions/${name}`, definitions: this.closure(name) };
      entry = { validate: protocolAjv().compile(schema), schema };
      this.compiled.set(name, entry);
    }
    return entry;
  }

  /** `name` and every definition it references, transitively. */
  private closure(name: string): Record<string, unknown> {
    const all = this.schema.definitions;
    const out: Record<string, unknown> = {};
    const todo = [name];
    while (todo.length > 0) {
      const n = todo.pop()!;
      if (Object.prototype.hasOwnProperty.call(out, n)) continue;
      const def = all[n];
      if (def === undefined) throw new Error(`the protocol schema has no definition ${n}`);
      out[n] = def;
      collectRefs(def, todo);
    }
    return out;
  }
}

function methodTable(variants: readonly unknown[]): Map<string, { readonly definition: string | null; readonly optional: boolean }> {
  const out = new Map<string, { readonly definition: string | null; readonly optional: boolean }>();
  const refName = (s: unknown) => {
    const ref = (s as { $ref?: unknown } | undefined)?.$ref;
    return typeof ref === 'string' && ref.startsWith('#/definitions/') ? ref.slice('#/definitions/'.length) : undefined;
  };
  for (const variant of variants) {
    const props = (variant as { properties?: Record<string, { enum?: unknown[]; $ref?: string; anyOf?: unknown[] }> }).properties;
    const method = props?.method?.enum?.[0];
    if (typeof method !== 'string') continue;
    const params = props?.params;
    const direct = refName(params);
    const nullable = params?.anyOf?.map(refName).find((n) => n !== undefined);
    out.set(method, { definition: direct ?? nullable ?? null, optional: direct === undefined });
  }
  return out;
}

function collectRefs(node: unknown, into: string[]): void {
  if (Array.isArray(node)) {
    for (const x of node) collectRefs(x, into);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/definitions/')) into.push(v.slice('#/definitions/'.length));
      else collectRefs(v, into);
    }
  }
}

let shared: Ajv | undefined;

/**
 * The ajv instance for the protocol schemas: draft-07, strict (the generated schema compiles
 * without a warning), every format the schema names registered as a real check.
 */
function protocolAjv(): Ajv {
  if (!shared) {
    shared = new Ajv({
      strict: true,
      allowUnionTypes: true, // the schema says `"type": ["string", "null"]` throughout
      strictNumbers: true,
      allErrors: false, // validity only: the explainer words the problems
      validateSchema: false, // generated by the binary; checking it against the meta-schema costs a compile
      addUsedSchema: false,
      code: { optimize: false }, // halves the first compile of a method; the validators run as fast
    });
    addFormats(shared, false);
  }
  return shared;
}
