// ProtocolSchema on a small schema of the binary's shape (a `definitions` table and a `oneOf` of
// `{method, params}` variants). That the kit's payloads conform to the real schemas is
// spec/testing/payload-schema.spec.ts; inbound messages, spec/validation/inbound-validator.spec.ts.
import { ProtocolSchema } from '../../lib/validation/protocol-schemas.js';

const ref = (name: string) => ({ $ref: `#/definitions/${name}` });
const variant = (method: string, params?: object) => ({
  type: 'object',
  properties: { method: { type: 'string', enum: [method] }, ...(params ? { params } : {}) },
  required: ['method'],
});

const SCHEMA = {
  definitions: {
    PingParams: { type: 'object', properties: { seq: { type: 'integer', format: 'uint8' }, note: { type: ['string', 'null'] } }, required: ['seq'] },
    // A tagged union as npm run generate marks it for ajv (`discriminator`, the tag in each branch).
    Shape: {
      type: 'object',
      discriminator: { propertyName: 'kind' },
      oneOf: [
        { type: 'object', properties: { kind: { type: 'string', enum: ['circle'] }, r: { type: 'number', format: 'double' } }, required: ['kind', 'r'] },
        { type: 'object', properties: { kind: { type: 'string', enum: ['square'] }, side: ref('Length') }, required: ['kind', 'side'] },
      ],
    },
    Length: { type: 'integer', format: 'uint32' },
    DrawParams: { type: 'object', properties: { shapes: { type: 'array', items: ref('Shape') } }, required: ['shapes'] },
    // Referenced by nothing the methods reach, and broken: compiling it would throw.
    Broken: { type: 'object', properties: { x: ref('Nowhere') } },
    Dangling: { type: 'object', properties: { x: ref('Nowhere') } },
  },
  oneOf: [
    variant('ping', ref('PingParams')),
    variant('draw', ref('DrawParams')),
    variant('status/read', { anyOf: [ref('PingParams'), { type: 'null' }] }),
    variant('shutdown'),
    { type: 'object', properties: { id: { type: 'integer' } } }, // not a method variant: skipped
  ],
};

const schema = () => new ProtocolSchema(JSON.stringify(SCHEMA));

describe('ProtocolSchema', () => {
  it('parses its text on first use, once', () => {
    const bad = new ProtocolSchema('{not json');
    expect(() => bad.schema).toThrow(SyntaxError);
    const s = schema();
    expect(s.schema).toBe(s.schema);
    expect(Object.keys(s.schema.definitions)).toContain('PingParams');
  });

  describe('paramsOf', () => {
    it('tells required, optional and absent params apart', () => {
      const s = schema();
      expect(s.paramsOf('ping')).toEqual({ definition: 'PingParams', optional: false });
      expect(s.paramsOf('status/read')).toEqual({ definition: 'PingParams', optional: true });
      expect(s.paramsOf('shutdown')).toEqual({ definition: null, optional: true });
    });

    it('knows only the methods of the union', () => {
      const s = schema();
      expect(s.paramsOf('pong')).toBeUndefined();
      expect(s.paramsOf('toString')).toBeUndefined();
      expect(new ProtocolSchema(JSON.stringify({ definitions: {} })).paramsOf('ping')).toBeUndefined(); // no oneOf at all
    });
  });

  describe('check', () => {
    it('answers undefined for conforming data, and each issue with its path otherwise', () => {
      const s = schema();
      expect(s.check('PingParams', { seq: 1, note: null })).toBeUndefined();
      expect(s.check('PingParams', { note: 3 })).toEqual([
        { path: 'seq', message: 'is required' },
        { path: 'note', message: 'must be a string or null' },
      ]);
    });

    it('checks the formats the protocol names (integer widths)', () => {
      const s = schema();
      expect(s.check('PingParams', { seq: 255 })).toBeUndefined();
      expect(s.check('PingParams', { seq: 256 })).toEqual([{ path: 'seq', message: 'must be an integer from 0 to 255 (uint8)' }]);
    });

    it('follows references transitively, through a tagged union', () => {
      const s = schema();
      expect(s.check('DrawParams', { shapes: [{ kind: 'circle', r: 1.5 }, { kind: 'square', side: 2 }] })).toBeUndefined();
      expect(s.check('DrawParams', { shapes: [{ kind: 'square', side: -1 }] })).toEqual([
        { path: 'shapes[0].side', message: 'must be an integer from 0 to 4294967295 (uint32)' },
      ]);
      expect(s.check('DrawParams', { shapes: [{ kind: 'triangle' }] })).toEqual([{ path: 'shapes[0].kind', message: expect.stringContaining('circle') }]);
    });

    it('compiles only what a definition reaches: a broken definition elsewhere does not matter until it is checked', () => {
      const s = schema();
      expect(s.check('Length', 3)).toBeUndefined();
      expect(() => s.check('Dangling', {})).toThrow('the protocol schema has no definition Nowhere');
      expect(() => s.check('Missing', {})).toThrow('the protocol schema has no definition Missing');
    });

    it('compiles each definition once and keeps answering the same way', () => {
      const s = schema();
      const first = s.check('PingParams', {});
      // The parsed table is not read again once compiled: emptying it changes nothing.
      for (const key of Object.keys(s.schema.definitions)) delete s.schema.definitions[key];
      expect(s.check('PingParams', {})).toEqual(first);
      expect(s.check('PingParams', { seq: 2 })).toBeUndefined();
    });

    it('never throws for data, whatever it is', () => {
      const s = schema();
      for (const data of [undefined, null, 42, 'x', [], () => 1, Symbol('s'), 10n]) {
        expect(s.check('DrawParams', data)).toEqual([expect.objectContaining({ path: '' })]);
      }
      expect(s.check('DrawParams', Object.create(null))).toEqual([{ path: 'shapes', message: 'is required' }]);
    });
  });
});
