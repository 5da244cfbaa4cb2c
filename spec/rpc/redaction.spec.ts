import { CodexError } from '../../lib/errors.js';
import { describeError, redactValue } from '../../lib/rpc/redaction.js';

const mask = (text: string) => text.replaceAll('sk-secret', '***');

describe('redactValue (what a warning or error may carry)', () => {
  it('masks every string, keys included, without touching the input', () => {
    const input = { 'sk-secret': ['a sk-secret b', 3, null, { nested: 'sk-secret' }], ok: true };
    expect(redactValue(input, mask)).toEqual({ '***': ['a *** b', 3, null, { nested: '***' }], ok: true });
    expect(input['sk-secret'][0]).toBe('a sk-secret b');
  });

  it('copies an Error as a CodexError with its name and a masked message (no stack, no cause)', () => {
    const cause = new TypeError('bad token sk-secret');
    const out = redactValue(cause, mask) as CodexError;
    expect(out).toBeInstanceOf(CodexError);
    expect(out.name).toBe('TypeError');
    expect(out.message).toBe('bad token ***');
    expect(out.cause).toBeUndefined();
  });

  it('stops at depth 32 on hostile nesting instead of overflowing the stack', () => {
    let deep: unknown = 'sk-secret';
    for (let i = 0; i < 10_000; i++) deep = [deep];
    let out = redactValue(deep, mask);
    let depth = 0;
    while (Array.isArray(out)) {
      out = out[0];
      depth++;
    }
    expect(depth).toBe(32);
    expect(out).toBe('[too deep]');
  });
});

describe('describeError (any thrown value as text)', () => {
  it('uses an Error’s message, a string as is, JSON for the rest, and never throws', () => {
    expect(describeError(new Error('boom'))).toBe('boom');
    expect(describeError('plain')).toBe('plain');
    expect(describeError({ code: 1 })).toBe('{"code":1}');
    expect(describeError(undefined)).toBe('undefined');
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(describeError(cyclic)).toBe('[object Object]');
    expect(describeError(10n)).toBe('[object BigInt]');
  });
});
