import { stringEnd } from './json-text.js';

/** What an app-server frame is, as far as the gateway needs to know to route it. */
export type ServerFrameKind =
  | { readonly kind: 'notification' }
  | {
      readonly kind: 'request' | 'response';
      readonly id: string | number;
      /** Where the id's JSON text sits in the frame (offsets in the string, or in the bytes): `[start, end)`, to splice another id in without parsing. */
      readonly idAt: readonly [number, number];
    }
  | { readonly kind: 'unknown' };

const NOTIFICATION: ServerFrameKind = Object.freeze({ kind: 'notification' });
const UNKNOWN: ServerFrameKind = Object.freeze({ kind: 'unknown' });


/**
 * Classifies an app-server frame without parsing it: a scan of its top-level keys that jumps
 * over strings and nested values, in any key order (a server may write `jsonrpc`, `params` or
 * `id` first). Only the `id` value is decoded. `request` = `method` and `id`; `response` = `id`
 * and exactly one of `result`/`error`; `notification` = `method` without `id`; anything else
 * (not an object, malformed, a non-string method, a null id) is `unknown`. Text and bytes
 * (UTF-8) alike; bytes are read as latin1 (a native copy, offsets stay byte offsets).
 *
 * The usual delta takes a fast path (see TELLTALE): one that passes it is a notification even
 * if malformed further in; the app-server does not write such frames, and a tab's own parser
 * refuses them.
 */
export function classifyServerFrame(frame: string | Uint8Array): ServerFrameKind {
  // Bytes as latin1: one char per byte, so offsets stay byte offsets; the keys that matter are
  // ASCII, and an id with other bytes is decoded as UTF-8 from the bytes.
  const data = typeof frame === 'string' ? frame : latin1(frame);
  const n = data.length;
  if (data.startsWith(METHOD_FIRST) && data.charCodeAt(n - 1) === CLOSE_OBJECT && !TELLTALE.test(data)) return NOTIFICATION;
  let i = skipSpace(data, 0);
  if (code(data, i) !== OPEN_OBJECT) return UNKNOWN;
  i = skipSpace(data, i + 1);
  if (code(data, i) === CLOSE_OBJECT) return UNKNOWN;
  let method = false;
  let answers = 0;
  let idStart = -1;
  let idEnd = -1;
  for (;;) {
    if (code(data, i) !== QUOTE) return UNKNOWN;
    const keyEnd = stringEnd(data, i);
    if (keyEnd < 0) return UNKNOWN;
    let key = keyOf(data, i, keyEnd);
    if (key === ESCAPED) key = classOf(decodeKey(data, i, keyEnd));
    i = skipSpace(data, keyEnd + 1);
    if (code(data, i) !== COLON) return UNKNOWN;
    const start = skipSpace(data, i + 1);
    const end = valueEnd(data, start, n);
    if (end < 0) return UNKNOWN;
    if (key === METHOD) {
      if (code(data, start) !== QUOTE) return UNKNOWN;
      method = true;
    } else if (key === ID) {
      idStart = start;
      idEnd = end;
    } else if (key === ANSWER) {
      answers++;
    }
    i = skipSpace(data, end);
    const c = code(data, i);
    if (c === CLOSE_OBJECT) break;
    if (c !== COMMA) return UNKNOWN;
    i = skipSpace(data, i + 1);
  }
  if (skipSpace(data, i + 1) !== n) return UNKNOWN;
  if (idStart < 0) return method && answers === 0 ? NOTIFICATION : UNKNOWN;
  if (method ? answers !== 0 : answers !== 1) return UNKNOWN;
  const id = typeof frame === 'string' || isAscii(data, idStart, idEnd) ? idValue(data, idStart, idEnd) : idValue(utf8.decode(frame.subarray(idStart, idEnd)), 0, Infinity);
  if (id === undefined) return UNKNOWN;
  return { kind: method ? 'request' : 'response', id, idAt: [idStart, idEnd] };
}

// The fast path for the frame an app-server sends most (a delta): it starts `{"method":"`, ends
// with `}`, and nowhere holds `"id"`, `"result"`, `"error"` or a `\u` escape, so none of its
// top-level keys, in whatever order, is id, result or error: a notification. One native regex
// test instead of a pass in JS (a multi-char indexOf per word cost more). Others: the full scan.
const METHOD_FIRST = '{"method":"';
const TELLTALE = /"(?:id|result|error)"|\\u/;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;
// Key classes.
const OTHER = 0;
const METHOD = 1;
const ID = 2;
const ANSWER = 3;
const ESCAPED = 4;

/** Char code at `i`; -1 past the end (never read out of bounds: that deoptimises charCodeAt). */
function code(s: string, i: number): number {
  return i < s.length ? s.charCodeAt(i) : -1;
}

function skipSpace(s: string, i: number): number {
  for (let c = code(s, i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = code(s, ++i));
  return i;
}

/** The class of the key between the quotes at `start` and `end`, compared in place. */
function keyOf(s: string, start: number, end: number): number {
  const len = end - start - 1;
  const c = code(s, start + 1);
  for (let j = start + 1; j < end; j++) if (code(s, j) === BACKSLASH) return ESCAPED;
  if (len === 2 && c === 0x69 && code(s, start + 2) === 0x64) return ID; // id
  if (len === 6 && c === 0x6d && same(s, start + 1, 'method')) return METHOD;
  if (len === 6 && c === 0x72 && same(s, start + 1, 'result')) return ANSWER;
  if (len === 5 && c === 0x65 && same(s, start + 1, 'error')) return ANSWER;
  return OTHER;
}

function same(s: string, at: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if (code(s, at + k) !== word.charCodeAt(k)) return false;
  return true;
}

function classOf(key: string | undefined): number {
  return key === 'method' ? METHOD : key === 'id' ? ID : key === 'result' || key === 'error' ? ANSWER : OTHER;
}

function decodeKey(s: string, start: number, end: number): string | undefined {
  try {
    return JSON.parse(text(s, start, end + 1)) as string;
  } catch {
    return undefined;
  }
}

const utf8 = new TextDecoder();

function text(s: string, start: number, end: number): string {
  return s.slice(start, end);
}

function latin1(bytes: Uint8Array): string {
  return (Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length)).toString('latin1', 0, bytes.length);
}

function isAscii(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** The index just past the JSON value starting at `start`, or -1 when it does not end. */
function valueEnd(s: string, start: number, n: number): number {
  const first = code(s, start);
  if (first === QUOTE) {
    const end = stringEnd(s, start);
    return end < 0 ? -1 : end + 1;
  }
  if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
    // One pass over the chars, strings skipped in place (no call per string).
    let depth = 0;
    for (let i = start; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c === QUOTE) {
        for (i++; i < n; i++) {
          const d = s.charCodeAt(i);
          if (d === QUOTE) break;
          if (d === BACKSLASH) i++;
        }
      } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
        depth++;
      } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
        if (--depth === 0) return i + 1;
      }
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let i = start;
  for (let c = code(s, i); i < n && c !== COMMA && c !== CLOSE_OBJECT && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09; c = code(s, ++i));
  return i === start ? -1 : i;
}

/** A JSON-RPC id: a string or a finite number; undefined for anything else (null included). */
function idValue(s: string, start: number, end: number): string | number | undefined {
  const c = code(s, start);
  if (c !== QUOTE && c !== 0x2d && !(c >= 0x30 && c <= 0x39)) return undefined;
  // Small integers, the usual id, without a parse.
  if (c >= 0x30 && c <= 0x39 && end - start <= 9) {
    let v = 0;
    let i = start;
    for (; i < end; i++) {
      const d = code(s, i) - 0x30;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    if (i === end && (c !== 0x30 || end - start === 1)) return v;
  }
  let value: unknown;
  try {
    value = JSON.parse(text(s, start, end));
  } catch {
    return undefined;
  }
  return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) ? value : undefined;
}
