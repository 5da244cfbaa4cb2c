import Ajv from 'ajv';
import { CLIENT_REQUEST_SCHEMA } from '../../lib/protocol/schema-text.generated.js';
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { addFormats } from '../../lib/validation/formats.js';
import { validateParams } from '../../lib/validation/params-validator.js';
import { prng } from '../support/prng';

/**
 * Fixed-seed fuzzing: thousands of params objects across every method, generated from the
 * schema itself (mostly plausible, sometimes broken on purpose). validateParams must never
 * throw, must answer undefined or a non-empty list of issues, and must agree exactly with an
 * independent oracle: ajv over the whole `ClientRequest` envelope schema, compiled in one piece.
 */

const SEED = 0xc0dec5;
const RUNS = 3000;


type Json = Record<string, unknown>;
const root = JSON.parse(CLIENT_REQUEST_SCHEMA) as { definitions: Record<string, Json> };

class Generator {
  constructor(private readonly random: () => number) {}

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.random() * xs.length)]!;
  }

  chance(p: number): boolean {
    return this.random() < p;
  }

  /** Any value at all, including a few that are not JSON. */
  junk(depth = 0): unknown {
    const kinds = ['null', 'bool', 'int', 'neg', 'float', 'huge', 'nan', 'str', 'empty', 'arr', 'obj', 'undef'];
    switch (this.pick(depth > 2 ? kinds.slice(0, 9) : kinds)) {
      case 'null':
        return null;
      case 'bool':
        return this.chance(0.5);
      case 'int':
        return Math.floor(this.random() * 100);
      case 'neg':
        return -1 - Math.floor(this.random() * 1000);
      case 'float':
        return this.random() * 10;
      case 'huge':
        return this.pick([2 ** 31, 2 ** 32, 2 ** 53, 2 ** 64, -(2 ** 63), Number.MAX_VALUE]);
      case 'nan':
        return this.pick([Number.NaN, Infinity, -Infinity]);
      case 'str':
        return this.pick(['x', 'text', 'image', 'read-only', 'never', 'apiKey', '0', 'null', '🙂']);
      case 'empty':
        return '';
      case 'arr':
        return Array.from({ length: Math.floor(this.random() * 3) }, () => this.junk(depth + 1));
      case 'obj':
        return Object.fromEntries(Array.from({ length: Math.floor(this.random() * 3) }, () => [this.pick(['type', 'text', 'id', 'x']), this.junk(depth + 1)]));
      default:
        return undefined;
    }
  }

  /** A value for `schema`: usually conforming, sometimes not (`noise` per node). */
  value(schema: unknown, depth: number, noise: number): unknown {
    if (this.chance(noise) || depth > 6) return this.junk();
    if (schema === true || schema === undefined) return this.junk();
    if (schema === false || typeof schema !== 'object' || schema === null) return null;
    const s = schema as Json;
    if (typeof s.$ref === 'string') return this.value(root.definitions[s.$ref.split('/').pop()!], depth + 1, noise);
    if (Array.isArray(s.enum)) return this.pick(s.enum);
    if (Array.isArray(s.oneOf)) return this.merge(this.value(this.pick(s.oneOf), depth + 1, noise), s, depth, noise);
    if (Array.isArray(s.anyOf)) return this.merge(this.value(this.pick(s.anyOf), depth + 1, noise), s, depth, noise);
    if (Array.isArray(s.allOf)) return this.value(s.allOf[0], depth + 1, noise);
    const types = s.type === undefined ? ['object'] : Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    switch (this.pick(types)) {
      case 'null':
        return null;
      case 'boolean':
        return this.chance(0.5);
      case 'integer':
        return this.pick([0, 1, 7, 100, 65535, 4294967295, -1, 2 ** 32]);
      case 'number':
        return this.pick([0, 1.5, -2, 1e9]);
      case 'string':
        return this.pick(['t', 'thr-1', '/abs/path', 'x'.repeat(20), '']);
      case 'array':
        return Array.from({ length: Math.floor(this.random() * 3) }, () => this.value(s.items, depth + 1, noise));
      default:
        return this.object(s, depth, noise);
    }
  }

  /** Union branches such as `{anyOf: [{required: [url]}, …], properties: {…}}` carry their own properties. */
  private merge(v: unknown, s: Json, depth: number, noise: number): unknown {
    if (s.properties && v !== null && typeof v === 'object' && !Array.isArray(v)) return { ...(this.object(s, depth, noise) as Json), ...(v as Json) };
    return v;
  }

  private object(s: Json, depth: number, noise: number): unknown {
    const out: Json = {};
    const props = (s.properties ?? {}) as Json;
    const required = new Set((s.required ?? []) as string[]);
    for (const [key, sub] of Object.entries(props)) {
      if (required.has(key) ? this.chance(0.95) : this.chance(0.35)) out[key] = this.value(sub, depth + 1, noise);
    }
    if (this.chance(noise)) out[this.pick(['extra', 'type', 'threadID'])] = this.junk();
    return out;
  }
}

function oracle(): (method: string, params: unknown) => boolean {
  const ajv = new Ajv({ strict: true, allowUnionTypes: true, strictNumbers: true, validateSchema: false });
  addFormats(ajv, false);
  const validate = ajv.compile(JSON.parse(CLIENT_REQUEST_SCHEMA));
  return (method, params) => validate(params === undefined ? { id: 1, method } : { id: 1, method, params }) as boolean;
}

describe('validateParams, fuzzed (seed 0xc0dec5)', () => {
  const methods = Object.keys(CLIENT_PARAMS_DEFINITIONS);
  let agrees: (method: string, params: unknown) => boolean;

  beforeAll(() => {
    agrees = oracle();
  }, 60_000);

  it(`never throws, always answers undefined or issues, and agrees with the whole-schema oracle (${RUNS} runs)`, () => {
    const g = new Generator(prng(SEED));
    let accepted = 0;
    let rejected = 0;
    const disagreements: string[] = [];
    for (let i = 0; i < RUNS; i++) {
      const method = g.chance(0.02) ? g.pick(['nope', 'thread/Start', '', '__proto__']) : g.pick(methods);
      const definition = CLIENT_PARAMS_DEFINITIONS[method];
      const noise = g.pick([0, 0.02, 0.1, 0.3]);
      const params = g.chance(0.03) ? g.junk() : definition ? g.value(root.definitions[definition], 0, noise) : g.chance(0.7) ? undefined : g.junk();

      let issues: ReturnType<typeof validateParams>;
      expect(() => (issues = validateParams(method, params))).not.toThrow();
      if (issues === undefined) {
        accepted++;
        // What it accepts survives the trip over the wire…
        expect(validateParams(method, JSON.parse(JSON.stringify(params ?? null)) ?? undefined)).toBeUndefined();
      } else {
        rejected++;
        expect(issues.length).toBeGreaterThan(0);
        for (const issue of issues) {
          expect(typeof issue.path).toBe('string');
          expect(issue.message).toMatch(/\S/);
          expect(issue.message).not.toMatch(/must match exactly one schema|must match a schema in anyOf/); // ajv's noise never leaks
        }
      }
      // …and it says what the binary's schema says, as one piece.
      const known = Object.prototype.hasOwnProperty.call(CLIENT_PARAMS_DEFINITIONS, method);
      if (known && agrees(method, params) !== (issues === undefined)) disagreements.push(`${method} ${JSON.stringify(params)}`);
      // Same input, same answer.
      expect(validateParams(method, params)).toEqual(issues);
    }
    expect(disagreements).toEqual([]);
    // The corpus exercises both sides.
    expect(accepted).toBeGreaterThan(RUNS / 5);
    expect(rejected).toBeGreaterThan(RUNS / 5);
  }, 120_000);
});
