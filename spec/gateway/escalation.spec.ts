/** Which server requests would let a page widen the sandbox, and the gateway's safe answer. */
import { grantsAnything, safeAnswerFor } from '../../lib/gateway/escalation.js';

// escalationOf's cases use the request fixtures of answer-policy.spec.ts and sit there, with the
// check that every safe answer passes admitAnswer.

describe('grantsAnything', () => {
  it('is true when any leaf is truthy-ish (not null, undefined or false), at any depth', () => {
    for (const v of [true, 0, '', 'x', [false, 1], { a: { b: [null, 'x'] } }]) expect([v, grantsAnything(v)]).toEqual([v, true]);
    for (const v of [null, undefined, false, [], {}, { a: null, b: [false, { c: undefined }] }]) expect([v, grantsAnything(v)]).toEqual([v, false]);
  });
});

describe('safeAnswerFor', () => {
  it('a method with no safe answer gets -32601 naming it, log-safe', () => {
    expect(safeAnswerFor('attestation/generate\u202e')).toEqual({ error: { code: -32601, message: 'the gateway does not answer attestation/generate\\u202e' } });
  });
});
