/**
 * UTF-8 length of `text` in bytes, counted only until it reaches `stop` (then some number ≥
 * `stop`): a limit plus one is enough to know a string is over it. Pure; no encoding or copy.
 */
export function utf8Length(text: string, stop = Infinity): number {
  if (text.length >= stop) return text.length; // at least one byte per UTF-16 unit
  let bytes = 0;
  for (let i = 0; i < text.length && bytes < stop; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** True when `text` has more than `max` UTF-8 bytes; decided by its length alone when it can be. */
export function overBytes(text: string, max: number): boolean {
  if (text.length * 3 <= max) return false;
  return utf8Length(text, max + 1) > max;
}

/**
 * Path of the first string (or object key) under `value` longer than `max` UTF-8 bytes, or
 * undefined. `exempt(path)` skips a value with a limit of its own (an input item's text).
 */
export function firstOverLong(value: unknown, path: string, max: number, exempt?: (path: string) => boolean): string | undefined {
  if (typeof value === 'string') return overBytes(value, max) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = firstOverLong(value[i], `${path}[${i}]`, max, exempt);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const key of Object.keys(value)) {
    if (overBytes(key, max)) return path;
    const at = `${path}.${key}`;
    if (exempt?.(at)) continue;
    const found = firstOverLong((value as Record<string, unknown>)[key], at, max, exempt);
    if (found !== undefined) return found;
  }
  return undefined;
}
