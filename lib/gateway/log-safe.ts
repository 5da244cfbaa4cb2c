/**
 * Text a client chose (a method name, an id, a field), made safe for one log line: control
 * characters (a newline would forge a line), line/paragraph separators and bidi overrides are
 * escaped, and the text is cut to `max` characters with a note of how much was left out.
 * Pure; never throws.
 */
export function logSafe(text: unknown, max = 200): string {
  const s = typeof text === 'string' ? text : String(text);
  let cut = s.length > max ? s.slice(0, max) : s;
  // Never end on half a surrogate pair.
  if (cut.length > 0 && cut.length < s.length) {
    const last = cut.charCodeAt(cut.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
  }
  const escaped = UNSAFE.test(cut) ? cut.replace(UNSAFE_ALL, escape) : cut;
  return cut.length < s.length ? `${escaped}…(${s.length - cut.length} more chars)` : escaped;
}

// C0 controls, DEL, C1 controls, U+2028/2029, bidi embeddings/overrides/isolates, lone surrogates.
const UNSAFE_SOURCE = '[\\u0000-\\u001f\\u007f-\\u009f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]|[\\ud800-\\udbff](?![\\udc00-\\udfff])|(?<![\\ud800-\\udbff])[\\udc00-\\udfff]';
const UNSAFE = new RegExp(UNSAFE_SOURCE);
const UNSAFE_ALL = new RegExp(UNSAFE_SOURCE, 'g');
const SHORT: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escape(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}
