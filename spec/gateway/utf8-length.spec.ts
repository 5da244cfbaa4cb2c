/** UTF-8 byte counts for the gateway's size limits. */
import { firstOverLong, overBytes, utf8Length } from '../../lib/gateway/utf8-length.js';

describe('utf8Length / overBytes / firstOverLong', () => {
  it('counts as Buffer.byteLength does, lone surrogates included', () => {
    for (const s of ['', 'abc', 'é', '€', '😀', 'a😀b', '\ud800', '\udc00x', 'x\ud800', 'é'.repeat(1000)]) expect([s, utf8Length(s)]).toEqual([s, Buffer.byteLength(s)]);
  });

  it('stops counting at the limit asked; overBytes decides at the exact edge', () => {
    expect(utf8Length('x'.repeat(1000), 10)).toBeGreaterThanOrEqual(10);
    expect(overBytes('é'.repeat(8), 16)).toBe(false);
    expect(overBytes('é'.repeat(8) + 'x', 16)).toBe(true);
    expect(overBytes('😀'.repeat(4), 16)).toBe(false);
    expect(overBytes('😀'.repeat(4) + 'x', 16)).toBe(true);
  });

  it('firstOverLong names the first long string or key, skipping what `exempt` says', () => {
    const value = { a: ['ok', { b: 'x'.repeat(9) }], ['k'.repeat(9)]: 1 };
    expect(firstOverLong(value, 'v', 8)).toBe('v.a[1].b');
    expect(firstOverLong(value, 'v', 8, (p) => p === 'v.a')).toBe('v');
    expect(firstOverLong({ a: 'x' }, 'v', 8)).toBeUndefined();
  });
});
