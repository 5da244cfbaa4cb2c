// lib/validation/explain.ts: why ajv said no, in a few readable issues.
import Ajv from 'ajv';
import { formatPath, fromAjvErrors, issuesOf } from '../../lib/validation/explain';
import { NUMBER_FORMATS } from '../../lib/validation/formats';

const text = { type: 'object', required: ['type', 'text'], properties: { type: { type: 'string', enum: ['text'] }, text: { type: 'string', minLength: 1 } } };
const image = { type: 'object', required: ['type', 'url'], properties: { type: { type: 'string', enum: ['image'] }, url: { type: 'string' } } };
const local = { type: 'object', required: ['type', 'path'], properties: { type: { type: 'string', enum: ['localImage'] }, path: { type: 'string' } } };
const INPUT = {
  definitions: { Text: text, Image: image, Local: local, Item: { type: 'object', discriminator: { propertyName: 'type' }, oneOf: [{ $ref: '#/definitions/Text' }, { $ref: '#/definitions/Image' }, { $ref: '#/definitions/Local' }] } },
  type: 'object',
  required: ['input'],
  additionalProperties: false,
  properties: { input: { type: 'array', items: { $ref: '#/definitions/Item' } }, limit: { type: ['integer', 'null'], format: 'uint32' } },
};

const ajv = new Ajv({ allErrors: true, discriminator: true, allowUnionTypes: true, formats: { uint32: { type: 'number', validate: NUMBER_FORMATS.uint32!.validate } } });

/** What issuesOf says for `data` against `schema`, compiled as the validators are (allErrors, discriminator). */
function explain(schema: object, data: unknown) {
  return issuesOf(ajv.compile(schema), schema, data) ?? [];
}

describe('explain', () => {
  it('a tagged union: the tag picks the branch that was meant', () => {
    expect(explain(INPUT, { input: [{ type: 'image' }] })).toEqual([{ path: 'input[0].url', message: 'is required' }]);
    expect(explain(INPUT, { input: [{ type: 'text', text: '' }] })).toEqual([{ path: 'input[0].text', message: 'must not be empty' }]);
  });

  it('…or says which tags exist when the tag is wrong or missing', () => {
    expect(explain(INPUT, { input: [{ type: 'txt', text: 'x' }] })).toEqual([{ path: 'input[0].type', message: 'must be one of text, image, localImage' }]);
    expect(explain(INPUT, { input: [{ text: 'x' }] })).toEqual([{ path: 'input[0].type', message: 'is required (one of text, image, localImage)' }]);
  });

  it('a value of a kind no branch takes lists the kinds', () => {
    expect(explain({ anyOf: [{ type: 'string' }, { type: 'null' }] }, 42)).toEqual([{ path: '', message: 'must be a string or null' }]);
  });

  it('alternatives that differ by one required field: "must have a or b"', () => {
    const schema = { anyOf: [{ type: 'object', required: ['url'] }, { type: 'object', required: ['fileId'] }] };
    expect(explain(schema, {})).toEqual([{ path: '', message: 'must have url or fileId' }]);
  });

  it('types, enums, unknown keys, numeric formats, every problem once', () => {
    expect(explain(INPUT, { input: 'x', extra: 1, limit: -1 })).toEqual([
      { path: 'input', message: 'must be an array' },
      { path: 'extra', message: 'is not allowed' },
      { path: 'limit', message: 'must be an integer from 0 to 4294967295 (uint32)' },
    ]);
    expect(explain({ enum: ['a', 'b'] }, 'c')).toEqual([{ path: '', message: 'must be one of a, b' }]);
  });

  it('formatPath: dots for identifiers, brackets for indexes and other keys', () => {
    expect(formatPath(['input', 0, 'type'])).toBe('input[0].type');
    expect(formatPath(['config', 'a.b', 'x-y'])).toBe('config["a.b"]["x-y"]');
    expect(formatPath([])).toBe('');
  });

  it("fromAjvErrors: ajv's own errors in the same path style", () => {
    expect(
      fromAjvErrors([
        { instancePath: '/input/0', schemaPath: '#/required', keyword: 'required', params: { missingProperty: 'url' }, message: "must have required property 'url'" },
        { instancePath: '', schemaPath: '#/additionalProperties', keyword: 'additionalProperties', params: { additionalProperty: 'x' } },
        { instancePath: '/a~1b', schemaPath: '#/enum', keyword: 'enum', params: { allowedValues: ['p', 'q'] } },
      ]),
    ).toEqual([
      { path: 'input[0].url', message: 'is required' },
      { path: 'x', message: 'is not allowed' },
      { path: '["a/b"]', message: 'must be one of p, q' },
    ]);
  });

  it('issuesOf: undefined when valid; the explanation when not; a message when the validator throws', () => {
    const validate = ajv.compile(INPUT);
    expect(issuesOf(validate, INPUT, { input: [{ type: 'text', text: 'hi' }] })).toBeUndefined();
    expect(issuesOf(validate, INPUT, { input: [{ type: 'image' }] })).toEqual([{ path: 'input[0].url', message: 'is required' }]);
    const throwing = Object.assign(() => {
      throw new RangeError('Maximum call stack size exceeded');
    }, { errors: null });
    expect(issuesOf(throwing as never, {}, {})).toEqual([{ path: '', message: 'could not be validated: Maximum call stack size exceeded' }]);
  });
});
