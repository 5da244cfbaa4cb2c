/** What an app-server frame is, as far as the gateway needs to know to route it. */
export type ServerFrameKind =
  | { readonly kind: 'notification' }
  | { readonly kind: 'request' | 'response'; readonly id: string | number }
  | { readonly kind: 'unknown' };

const NOTIFICATION: ServerFrameKind = Object.freeze({ kind: 'notification' });
const UNKNOWN: ServerFrameKind = Object.freeze({ kind: 'unknown' });

/**
 * Classifies an app-server frame without parsing it: a scan of its top-level keys that jumps
 * over strings and nested values, in any key order (a server may write `jsonrpc`, `params` or
 * `id` first). Only the `id` value is decoded. `request` = `method` and `id`; `response` = `id`
 * and `result` or `error`; `notification` = `method` without `id`; anything else (not an object,
 * malformed) is `unknown`. Text and bytes (UTF-8) alike, read in place.
 */
export function classifyServerFrame(data: string | Uint8Array): ServerFrameKind {
  const s = typeof data === 'string' ? new TextScan(data) : new ByteScan(data);
  let i = s.skipSpace(0);
  if (s.at(i) !== OPEN_OBJECT) return UNKNOWN;
  i = s.skipSpace(i + 1);
  let method = false;
  let answer = false;
  let id: string | number | undefined;
  let hasId = false;
  if (s.at(i) === CLOSE_OBJECT) return UNKNOWN;
  for (;;) {
    if (s.at(i) !== QUOTE) return UNKNOWN;
    const keyEnd = s.stringEnd(i);
    if (keyEnd < 0) return UNKNOWN;
    const key = s.key(i, keyEnd);
    i = s.skipSpace(keyEnd + 1);
    if (s.at(i) !== COLON) return UNKNOWN;
    const start = s.skipSpace(i + 1);
    const end = s.valueEnd(start);
    if (end < 0) return UNKNOWN;
    if (key === 'method') {
      if (s.at(start) !== QUOTE) return UNKNOWN;
      method = true;
    } else if (key === 'id') {
      const value = s.id(start, end);
      if (value === undefined) return UNKNOWN;
      hasId = true;
      id = value === null ? undefined : value;
    } else if (key === 'result' || key === 'error') {
      answer = true;
    }
    i = s.skipSpace(end);
    const c = s.at(i);
    if (c === CLOSE_OBJECT) break;
    if (c !== COMMA) return UNKNOWN;
    i = s.skipSpace(i + 1);
  }
  if (method) {
    if (!hasId) return NOTIFICATION;
    return id === undefined || answer ? UNKNOWN : { kind: 'request', id };
  }
  return answer && id !== undefined ? { kind: 'response', id } : UNKNOWN;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/** The few reads the scan needs, over text or bytes. */
abstract class Scan {
  abstract readonly length: number;
  /** Char code (text) or byte at `i`; -1 past the end. */
  abstract at(i: number): number;
  /** Index of the next quote at or after `from`, or -1. */
  abstract nextQuote(from: number): number;
  abstract slice(start: number, end: number): string;

  skipSpace(i: number): number {
    for (let c = this.at(i); c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; c = this.at(++i));
    return i;
  }

  /** Index of the quote that ends the string starting at `start`, or -1. */
  stringEnd(start: number): number {
    let end = this.nextQuote(start + 1);
    while (end > 0) {
      let slashes = 0;
      for (let j = end - 1; this.at(j) === BACKSLASH; j--) slashes++;
      if (slashes % 2 === 0) return end;
      end = this.nextQuote(end + 1);
    }
    return -1;
  }

  key(start: number, end: number): string | undefined {
    const raw = this.slice(start + 1, end);
    if (raw.indexOf('\\') < 0) return raw;
    try {
      return JSON.parse(this.slice(start, end + 1)) as string;
    } catch {
      return undefined;
    }
  }

  /** The index just past the JSON value starting at `start`, or -1 when it does not end. */
  valueEnd(start: number): number {
    const first = this.at(start);
    if (first === QUOTE) {
      const end = this.stringEnd(start);
      return end < 0 ? -1 : end + 1;
    }
    if (first === OPEN_OBJECT || first === OPEN_ARRAY) {
      let depth = 0;
      for (let i = start; i < this.length; i++) {
        const c = this.at(i);
        if (c === QUOTE) {
          i = this.stringEnd(i);
          if (i < 0) return -1;
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
    for (let c = this.at(i); c !== -1 && c !== COMMA && c !== CLOSE_OBJECT && c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09; c = this.at(++i));
    return i === start ? -1 : i;
  }

  /** A JSON-RPC id (string or number), null for `null`, undefined for anything else. */
  id(start: number, end: number): string | number | null | undefined {
    let value: unknown;
    try {
      value = JSON.parse(this.slice(start, end));
    } catch {
      return undefined;
    }
    return typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value)) || value === null ? value : undefined;
  }
}

class TextScan extends Scan {
  readonly length: number;
  constructor(private readonly text: string) {
    super();
    this.length = text.length;
  }
  at(i: number): number {
    return i < this.length ? this.text.charCodeAt(i) : -1;
  }
  nextQuote(from: number): number {
    return this.text.indexOf('"', from);
  }
  slice(start: number, end: number): string {
    return this.text.slice(start, end);
  }
}

const utf8 = new TextDecoder();

class ByteScan extends Scan {
  readonly length: number;
  constructor(private readonly bytes: Uint8Array) {
    super();
    this.length = bytes.length;
  }
  at(i: number): number {
    return i < this.length ? this.bytes[i]! : -1;
  }
  // A loop in JS: a native indexOf call costs more than the few bytes of the usual key.
  nextQuote(from: number): number {
    for (let i = from; i < this.length; i++) if (this.bytes[i] === QUOTE) return i;
    return -1;
  }
  slice(start: number, end: number): string {
    return utf8.decode(this.bytes.subarray(start, end));
  }
}
