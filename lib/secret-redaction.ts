// The one rule for masking secrets (tokens, API keys, shared secrets) in text that leaves
// codex-rx: error messages, stderr tails, gateway logs.

/** What a masked secret reads as. */
export const REDACTED = '[REDACTED]';

/** Secrets shorter than this are not masked (masking `a` would mangle every text). */
export const MIN_SECRET_LENGTH = 4;

/**
 * `text` with every secret replaced by `[REDACTED]`; the longest first, so that a secret that
 * contains another is masked whole. Empty, short and non-string entries are skipped.
 */
export function redactSecrets(text: string, secrets: Iterable<string | undefined>): string {
  const list = [...secrets].filter((s): s is string => typeof s === 'string' && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  let out = text;
  for (const s of list) out = out.split(s).join(REDACTED);
  return out;
}
