import type Ajv from 'ajv';

/**
 * The `format`s the app-server's JSON Schema uses (Rust integer widths and `double`), plus a few
 * common string formats for user output schemas. Each is a real check, registered with ajv and
 * used by the explainer to word its message.
 */

/** A numeric format: what it accepts and how to say so. */
export interface NumberFormat {
  readonly validate: (n: number) => boolean;
  readonly message: string;
}

const integerFormat = (name: string, min: number, max: number, minText: string, maxText: string, maxInclusive = true): NumberFormat => ({
  validate: (n) => Number.isInteger(n) && n >= min && (maxInclusive ? n <= max : n < max),
  message: `must be an integer from ${minText} to ${maxText} (${name})`,
});

// 2^64 - 1 and 2^63 - 1 are not representable as doubles: compare strictly against 2^64 / 2^63.
export const NUMBER_FORMATS: Readonly<Record<string, NumberFormat>> = {
  uint: integerFormat('uint', 0, 2 ** 64, '0', '18446744073709551615', false),
  uint8: integerFormat('uint8', 0, 255, '0', '255'),
  uint16: integerFormat('uint16', 0, 65_535, '0', '65535'),
  uint32: integerFormat('uint32', 0, 4_294_967_295, '0', '4294967295'),
  uint64: integerFormat('uint64', 0, 2 ** 64, '0', '18446744073709551615', false),
  int8: integerFormat('int8', -128, 127, '-128', '127'),
  int16: integerFormat('int16', -32_768, 32_767, '-32768', '32767'),
  int32: integerFormat('int32', -(2 ** 31), 2 ** 31 - 1, '-2147483648', '2147483647'),
  int64: integerFormat('int64', -(2 ** 63), 2 ** 63, '-9223372036854775808', '9223372036854775807', false),
  int: integerFormat('int', -(2 ** 63), 2 ** 63, '-9223372036854775808', '9223372036854775807', false),
  float: { validate: (n) => Number.isFinite(n) && Math.abs(n) <= 3.4028234663852886e38, message: 'must be a finite 32-bit float' },
  double: { validate: (n) => Number.isFinite(n), message: 'must be a finite number' },
};

/** A string format: a regular expression or a predicate. */
export interface StringFormat {
  readonly validate: (s: string) => boolean;
  readonly message: string;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME = /^(?:[01]\d|2[0-3]):[0-5]\d:(?:[0-5]\d|60)(?:\.\d+)?(?:[zZ]|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?$/;
const DAYS = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month >= 1 && month <= 12 && day >= 1 && day <= (month === 2 && !leap ? 28 : DAYS[month]!);
}

function isDateTime(s: string): boolean {
  const t = s.split(/[tT ]/);
  return t.length === 2 && isDate(t[0]!) && TIME.test(t[1]!) && /[zZ]|[+-]\d{2}:?\d{2}$/.test(t[1]!);
}

/** String formats for user output schemas (the protocol schema uses none). */
export const STRING_FORMATS: Readonly<Record<string, StringFormat>> = {
  date: { validate: isDate, message: 'must be a date (YYYY-MM-DD)' },
  time: { validate: (s) => TIME.test(s), message: 'must be a time (HH:MM:SS)' },
  'date-time': { validate: isDateTime, message: 'must be a date-time (RFC 3339)' },
  email: { validate: (s) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s), message: 'must be an email address' },
  uuid: { validate: (s) => /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(s), message: 'must be a UUID' },
  uri: { validate: (s) => /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(s), message: 'must be a URI' },
  ipv4: { validate: (s) => /^(?:(?:25[0-5]|2[0-4]\d|1?\d?\d)\.){3}(?:25[0-5]|2[0-4]\d|1?\d?\d)$/.test(s), message: 'must be an IPv4 address' },
  hostname: {
    validate: (s) => s.length <= 253 && /^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$/i.test(s),
    message: 'must be a hostname',
  },
};

/** Registers every format above with an ajv instance. */
export function addFormats(ajv: Ajv, withStrings: boolean): void {
  for (const [name, f] of Object.entries(NUMBER_FORMATS)) ajv.addFormat(name, { type: 'number', validate: f.validate });
  if (withStrings) for (const [name, f] of Object.entries(STRING_FORMATS)) ajv.addFormat(name, { type: 'string', validate: f.validate });
}
