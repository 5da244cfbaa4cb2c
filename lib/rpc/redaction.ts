import { CodexError } from '../errors.js';

/** Masks secrets in a text (e.g. the client's `redact`). */
export type Redact = (text: string) => string;

/** A copy of `value` with `redact` applied to every string (keys too), cut at depth 32 (no stack overflow on hostile nesting). */
export function redactValue(value: unknown, redact: Redact, depth = 0): unknown {
  if (typeof value === 'string') return redact(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= 32) return '[too deep]';
  if (value instanceof Error) {
    const copy = new CodexError(redact(value.message));
    copy.name = value.name;
    return copy;
  }
  if (Array.isArray(value)) return value.map((v) => redactValue(v, redact, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[redact(k)] = redactValue(v, redact, depth + 1);
  return out;
}

/** Any thrown value as a short text, never throwing itself. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  try {
    return typeof e === 'string' ? e : (JSON.stringify(e) ?? String(e));
  } catch {
    return Object.prototype.toString.call(e);
  }
}
