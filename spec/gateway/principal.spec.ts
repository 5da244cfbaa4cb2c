/** principalOf: what an `authenticate` hook returned, read as a principal, a refusal or a mistake. */
import { principalOf } from '../../lib/gateway/principal.js';

describe('principalOf', () => {
  it('an object with a non-empty string id is the principal, extra fields kept', () => {
    const p = { id: 'alice', team: 'web' };
    expect(principalOf(p)).toBe(p);
  });

  it('undefined, null and false refuse', () => {
    for (const r of [undefined, null, false]) expect(principalOf(r)).toBe('refused');
  });

  it('anything else is invalid: no id, an empty or non-string id, arrays, primitives, true', () => {
    for (const r of [{}, { id: '' }, { id: 7 }, [{ id: 'a' }], 'alice', 0, true]) expect([r, principalOf(r)]).toEqual([r, 'invalid']);
  });
});
