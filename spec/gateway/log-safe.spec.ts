/** logSafe: text a client chose, made safe for one log line. */
import { logSafe } from '../../lib/gateway/log-safe.js';

describe('logSafe', () => {
  it('escapes control characters, separators and bidi overrides; keeps the rest', () => {
    expect(logSafe('a\nb\r\tc\u0000\u001b[31m\u007f\u0085\u2028\u202e é 😀')).toBe('a\\nb\\r\\tc\\u0000\\u001b[31m\\u007f\\u0085\\u2028\\u202e é 😀');
    expect(logSafe('\ud800x')).toBe('\\ud800x');
    expect(logSafe(42)).toBe('42');
  });

  it('cuts to max characters and says how much is left out, never halving a surrogate pair', () => {
    expect(logSafe('x'.repeat(3 * 1024 * 1024))).toBe(`${'x'.repeat(200)}…(${3 * 1024 * 1024 - 200} more chars)`);
    expect(logSafe('ab😀', 3)).toBe('ab…(2 more chars)');
    expect(logSafe('abc', 3)).toBe('abc');
  });
});
