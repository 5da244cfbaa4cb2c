import { stringEnd } from './json-text.js';
import { logSafe } from './log-safe.js';

/** How deep objects and arrays may nest in a client frame. */
export const MAX_JSON_DEPTH = 64;
/**
 * How many objects, arrays and strings one client frame may hold. A real request holds a few
 * dozen; a frame of 100k tiny objects would cost the check (which blocks every principal)
 * hundreds of milliseconds.
 */
export const MAX_JSON_VALUES = 10_000;

/** A parsed frame, or why it was refused. */
export type StrictJson = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly reason: string };

/**
 * JSON.parse, refusing what JSON.parse lets through silently: a key twice in one object (JSON.parse
 * keeps the last, serde refuses the duplicate and reads the frame another way: the smuggling in
 * docs/gateway.md), nesting deeper than `maxDepth`, more than `maxValues` objects, arrays and
 * strings, and a string holding half a surrogate pair (`"\ud800"`: JSON.stringify writes it back,
 * and the app-server drops such a frame without an answer). Keys count as the same after their
 * escapes are decoded (`"\u006dethod"` is `"method"`). A scan before the parse: linear in the text.
 */
export function parseStrictJson(text: string, maxDepth = MAX_JSON_DEPTH, maxValues = MAX_JSON_VALUES): StrictJson {
  const problem = scanKeys(text, maxDepth, maxValues);
  if (problem !== undefined) return { ok: false, reason: problem };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
}

const QUOTE = 0x22;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
/** Up to this many keys an object's keys are an array (cheaper than a Set for the usual few). */
const SMALL = 16;

/**
 * A duplicate key or too deep a nesting, or undefined. Malformed text is left to JSON.parse: the
 * scan only has to be right about text that parses.
 */
function scanKeys(text: string, maxDepth: number, maxValues: number): string | undefined {
  // One entry per open container: the keys seen so far of an object, null for an array.
  const stack: Array<string[] | Set<string> | null> = [];
  let expectKey = false;
  let values = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const end = stringEnd(text, i);
      if (end < 0) return undefined;
      if (++values > maxValues) return tooMany(maxValues);
      const raw = text.slice(i + 1, end);
      const escaped = raw.indexOf('\\') >= 0;
      const decoded = escaped ? decode(text.slice(i, end + 1)) : raw;
      if (decoded !== undefined && LONE_SURROGATE.test(decoded)) return 'a string holds half of a surrogate pair';
      if (expectKey) {
        expectKey = false;
        const key = decoded;
        if (key === undefined) return undefined;
        const top = stack.length - 1;
        const keys = stack[top];
        if (keys === null || keys === undefined) return undefined;
        if (Array.isArray(keys)) {
          if (keys.includes(key)) return duplicate(key);
          keys.push(key);
          if (keys.length > SMALL) stack[top] = new Set(keys);
        } else {
          if (keys.has(key)) return duplicate(key);
          keys.add(key);
        }
      }
      i = end;
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= maxDepth) return `nested deeper than ${maxDepth} levels`;
      if (++values > maxValues) return tooMany(maxValues);
      stack.push(c === OPEN_OBJECT ? [] : null);
      expectKey = c === OPEN_OBJECT;
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
      expectKey = false;
    } else if (c === COMMA) {
      expectKey = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return undefined;
}

/** A high surrogate not followed by a low one, or a low one not after a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function tooMany(max: number): string {
  return `more than ${max} objects, arrays and strings`;
}

function decode(quoted: string): string | undefined {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return undefined;
  }
}

function duplicate(key: string): string {
  return `duplicate key ${JSON.stringify(logSafe(key, 40))}`;
}
