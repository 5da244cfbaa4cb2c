import { compileOutputSchema, validateOutput } from '../../lib/validation/output-validator.js';

describe('validateOutput', () => {
  it('compiles each schema object once', () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } } };
    expect(compileOutputSchema(schema)).toBe(compileOutputSchema(schema));
    expect(compileOutputSchema({ ...schema })).not.toBe(compileOutputSchema(schema));
  });

  it('supports $defs / definitions refs, unions and recursive schemas', () => {
    const schema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $defs: { node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] } },
      $ref: '#/$defs/node',
    };
    expect(validateOutput(schema, { name: 'a', children: [{ name: 'b', children: [] }] })).toBeUndefined();
    expect(validateOutput(schema, { name: 'a', children: [{ children: [{ name: 1 }] }] })).toEqual([
      { path: 'children[0].name', message: 'is required' },
      { path: 'children[0].children[0].name', message: 'must be a string' },
    ]);
    const shape = {
      anyOf: [
        { type: 'object', properties: { kind: { const: 'circle' }, r: { type: 'number' } }, required: ['kind', 'r'] },
        { type: 'object', properties: { kind: { const: 'square' }, side: { type: 'number' } }, required: ['kind', 'side'] },
      ],
    };
    expect(validateOutput(shape, { kind: 'circle', r: 1 })).toBeUndefined();
    expect(validateOutput(shape, { kind: 'triangle' })).toEqual([{ path: 'kind', message: 'must be one of circle, square' }]);
    expect(validateOutput(shape, { kind: 'square', side: 'big' })).toEqual([{ path: 'side', message: 'must be a number' }]);
    expect(validateOutput(shape, 'circle')).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('checks common string formats, ignores unknown keywords and formats', () => {
    const schema = { type: 'object', properties: { when: { type: 'string', format: 'date-time' }, id: { type: 'string', format: 'uuid' }, x: { type: 'string', format: 'my-format', 'x-ui': 'hidden' } } };
    expect(validateOutput(schema, { when: '2024-02-29T10:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000', x: 'anything' })).toBeUndefined();
    expect(validateOutput(schema, { when: 'yesterday', id: 'nope' })).toEqual([
      { path: 'when', message: 'must be a date-time (RFC 3339)' },
      { path: 'id', message: 'must be a UUID' },
    ]);
  });

  it('an unusable schema is the issue that says so (the thread words it as a ValidationError of outputSchema)', () => {
    expect(validateOutput({ type: 'strnig' }, 'x')).toEqual([{ path: '', message: expect.stringMatching(/^is not a usable JSON Schema/) }]);
  });

  it('checks the protocol\'s numeric formats too', () => {
    const schema = { type: 'object', properties: { port: { type: 'integer', format: 'uint16' }, ratio: { type: 'number', format: 'float' } } };
    expect(validateOutput(schema, { port: 8080, ratio: 0.5 })).toBeUndefined();
    expect(validateOutput(schema, { port: 70_000, ratio: 1e39 })).toEqual([
      { path: 'port', message: 'must be an integer from 0 to 65535 (uint16)' },
      { path: 'ratio', message: 'must be a finite 32-bit float' },
    ]);
  });

  it('two schemas with the same $id are compiled apart (neither is registered)', () => {
    const a = { $id: 'https://example.com/answer', type: 'string' };
    const b = { $id: 'https://example.com/answer', type: 'integer' };
    expect(validateOutput(a, 'x')).toBeUndefined();
    expect(validateOutput(b, 1)).toBeUndefined();
    expect(validateOutput(b, 'x')).toEqual([{ path: '', message: 'must be an integer' }]);
  });

  it('leaves the caller\'s schema as it was, $schema included', () => {
    const schema = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string' };
    expect(validateOutput(schema, 1)).toEqual([{ path: '', message: 'must be a string' }]);
    expect(schema).toEqual({ $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'string' });
  });

  it('an unusable schema is not cached: it fails again, the same way', () => {
    const schema = { type: 'object', properties: { a: { $ref: '#/definitions/missing' } } };
    const unusable = { path: '', message: expect.stringMatching(/^is not a usable JSON Schema/) };
    expect(compileOutputSchema(schema)).toEqual(unusable);
    expect(compileOutputSchema(schema)).toEqual(unusable);
  });
});
