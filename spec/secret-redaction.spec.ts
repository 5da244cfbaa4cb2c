import { redactSecrets } from '../lib/secret-redaction';

describe('redactSecrets: the one rule for masking secrets', () => {
  it('masks every occurrence of every secret', () => {
    expect(redactSecrets('token abcd1234 and again abcd1234', ['abcd1234'])).toBe('token [REDACTED] and again [REDACTED]');
  });

  it('masks the longest secret first, so one that contains another is masked whole', () => {
    expect(redactSecrets('key sk-abcdef-long', ['sk-abcdef', 'sk-abcdef-long'])).toBe('key [REDACTED]');
  });

  it('skips short, empty and missing secrets (masking them would mangle every text)', () => {
    expect(redactSecrets('a b abc', ['a', '', undefined, 'abc'])).toBe('a b abc');
    expect(redactSecrets('a b abcd', ['abcd'])).toBe('a b [REDACTED]');
  });
});
