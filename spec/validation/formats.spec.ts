import Ajv from 'ajv';
import { addFormats, NUMBER_FORMATS, STRING_FORMATS } from '../../lib/validation/formats.js';

/** Each format's verdicts on the values given, in order. */
const verdicts = <T>(format: { validate: (v: T) => boolean }, values: readonly T[]) => values.map((v) => format.validate(v));

describe('NUMBER_FORMATS', () => {
  it('the unsigned widths accept 0 to their maximum, integers only', () => {
    expect(verdicts(NUMBER_FORMATS.uint8!, [0, 255, 256, -1, 1.5])).toEqual([true, true, false, false, false]);
    expect(verdicts(NUMBER_FORMATS.uint16!, [0, 65_535, 65_536, -1])).toEqual([true, true, false, false]);
    expect(verdicts(NUMBER_FORMATS.uint32!, [0, 4_294_967_295, 4_294_967_296, -1])).toEqual([true, true, false, false]);
  });

  it('the signed widths accept their minimum to their maximum', () => {
    expect(verdicts(NUMBER_FORMATS.int8!, [-128, 127, -129, 128])).toEqual([true, true, false, false]);
    expect(verdicts(NUMBER_FORMATS.int16!, [-32_768, 32_767, -32_769, 32_768])).toEqual([true, true, false, false]);
    expect(verdicts(NUMBER_FORMATS.int32!, [-(2 ** 31), 2 ** 31 - 1, -(2 ** 31) - 1, 2 ** 31, 0.5])).toEqual([true, true, false, false, false]);
  });

  it('the 64-bit widths end below 2^64 / 2^63, which a double cannot tell from the maximum', () => {
    for (const name of ['uint', 'uint64']) {
      expect(verdicts(NUMBER_FORMATS[name]!, [0, Number.MAX_SAFE_INTEGER, 2 ** 64 - 4096, 2 ** 64, -1])).toEqual([true, true, true, false, false]);
    }
    for (const name of ['int', 'int64']) {
      expect(verdicts(NUMBER_FORMATS[name]!, [-(2 ** 63), 2 ** 63 - 1024, 2 ** 63, -(2 ** 63) - 2048])).toEqual([true, true, false, false]);
    }
  });

  it('float is a finite 32-bit value, double any finite number; neither takes NaN or Infinity', () => {
    expect(verdicts(NUMBER_FORMATS.float!, [0, -1.5, 3.4e38, 3.5e38, Number.NaN, Infinity])).toEqual([true, true, true, false, false, false]);
    expect(verdicts(NUMBER_FORMATS.double!, [0, 1e308, -1e308, Number.NaN, -Infinity])).toEqual([true, true, true, false, false]);
  });

  it('each message names the range and the format', () => {
    expect(NUMBER_FORMATS.uint8!.message).toBe('must be an integer from 0 to 255 (uint8)');
    expect(NUMBER_FORMATS.int64!.message).toBe('must be an integer from -9223372036854775808 to 9223372036854775807 (int64)');
    expect(NUMBER_FORMATS.uint!.message).toBe('must be an integer from 0 to 18446744073709551615 (uint)');
    expect(NUMBER_FORMATS.double!.message).toBe('must be a finite number');
  });
});

describe('STRING_FORMATS', () => {
  it('date: a real calendar day, leap years included', () => {
    expect(verdicts(STRING_FORMATS.date!, ['2024-02-29', '2000-02-29', '2023-12-31', '2023-02-29', '1900-02-29', '2024-04-31', '2024-13-01', '2024-00-10', '2024-1-01', '24-01-01'])).toEqual([
      true, true, true, false, false, false, false, false, false, false,
    ]);
  });

  it('time: HH:MM:SS with optional fraction and offset, leap second allowed', () => {
    expect(verdicts(STRING_FORMATS.time!, ['10:00:00', '23:59:60', '10:00:00.123Z', '10:00:00+02:00', '24:00:00', '10:60:00', '10:00', '10:00:00+2'])).toEqual([
      true, true, true, true, false, false, false, false,
    ]);
  });

  it('date-time: RFC 3339, with an offset required', () => {
    expect(verdicts(STRING_FORMATS['date-time']!, ['2024-02-29T10:00:00Z', '2024-02-29t10:00:00.5+01:00', '2024-02-29 10:00:00-0500', '2024-02-29T10:00:00', '2023-02-29T10:00:00Z', 'yesterday', '2024-02-29T10:00:00ZT1'])).toEqual([
      true, true, true, false, false, false, false,
    ]);
  });

  it('email, uuid, uri, ipv4 and hostname', () => {
    expect(verdicts(STRING_FORMATS.email!, ['a@b.co', 'a b@c.d', 'a@b', '@b.co'])).toEqual([true, false, false, false]);
    expect(verdicts(STRING_FORMATS.uuid!, ['123e4567-e89b-12d3-a456-426614174000', 'urn:uuid:123E4567-E89B-12D3-A456-426614174000', '123e4567e89b12d3a456426614174000', '123e4567-e89b-12d3-a456-42661417400g'])).toEqual([
      true, true, false, false,
    ]);
    expect(verdicts(STRING_FORMATS.uri!, ['https://example.com/a?b', 'mailto:a@b.c', 'urn:x', '/relative', 'has space:x', '1http://x'])).toEqual([true, true, true, false, false, false]);
    expect(verdicts(STRING_FORMATS.ipv4!, ['127.0.0.1', '255.255.255.255', '0.0.0.0', '256.0.0.1', '1.2.3', '01.2.3.4.5'])).toEqual([true, true, true, false, false, false]);
    expect(verdicts(STRING_FORMATS.hostname!, ['localhost', 'a-b.example.com', 'example.com.', '-a.com', 'a_b.com', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}a`, ''])).toEqual([
      true, true, true, false, false, false, false, false,
    ]);
  });

  it('each message says what the value must be', () => {
    expect(Object.fromEntries(Object.entries(STRING_FORMATS).map(([name, f]) => [name, f.message]))).toEqual({
      date: 'must be a date (YYYY-MM-DD)',
      time: 'must be a time (HH:MM:SS)',
      'date-time': 'must be a date-time (RFC 3339)',
      email: 'must be an email address',
      uuid: 'must be a UUID',
      uri: 'must be a URI',
      ipv4: 'must be an IPv4 address',
      hostname: 'must be a hostname',
    });
  });
});

describe('addFormats', () => {
  const strictAjv = () => new Ajv({ strict: true, allowUnionTypes: true, validateSchema: false });

  it('registers the numeric formats as real checks, on numbers only', () => {
    const ajv = strictAjv();
    addFormats(ajv, false);
    const validate = ajv.compile({ type: ['integer', 'string'], format: 'uint8' });
    expect([validate(255), validate(256), validate('300')]).toEqual([true, false, true]);
  });

  it('without strings, a string format is unknown (strict ajv refuses it); with them, it is checked', () => {
    const without = strictAjv();
    addFormats(without, false);
    expect(() => without.compile({ type: 'string', format: 'date' })).toThrow(/unknown format "date"/);
    const withStrings = strictAjv();
    addFormats(withStrings, true);
    const validate = withStrings.compile({ type: 'string', format: 'date' });
    expect([validate('2024-02-29'), validate('2023-02-29')]).toEqual([true, false]);
  });
});
