/** defineOutputSchema: a type tag only — the schema object is handed back untouched. */
import { defineOutputSchema, type OutputOf } from '../lib/output-schema.js';
import { expectType } from './support/type-assert.js';

describe('defineOutputSchema', () => {
  it('returns the very object it was given, unchanged', () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };
    const copy = JSON.parse(JSON.stringify(schema));
    const tagged = defineOutputSchema<{ ok: boolean }>(schema);
    expect(tagged).toBe(schema);
    expect(tagged).toEqual(copy);
  });

  it('carries the output type (compile time)', () => {
    const Verdict = defineOutputSchema<{ ok: boolean }>({ type: 'object' });
    expectType<{ ok: boolean }>()(null as unknown as OutputOf<typeof Verdict>);
    expectType<unknown>()(null as unknown as OutputOf<{ type: 'object' }>);
  });
});
