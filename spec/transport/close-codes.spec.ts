/** The gateway's close codes and what each tells a user. */
import { CloseCode, describeCloseCode } from '../../lib/transport/close-codes.js';

describe('describeCloseCode', () => {
  it('describes every code of CloseCode, each differently', () => {
    const texts = Object.values(CloseCode).map(describeCloseCode);
    for (const [i, code] of Object.values(CloseCode).entries()) expect([code, texts[i]]).not.toEqual([code, expect.stringMatching(/^(application-defined|unknown close code)$/)]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('the codes graphql-ws users know mean what they mean there', () => {
    expect(CloseCode).toMatchObject({ BAD_REQUEST: 4400, UNAUTHORIZED: 4401, FORBIDDEN: 4403, TOO_MANY_MESSAGES: 4429 });
    expect(describeCloseCode(4401)).toBe('no valid token');
  });

  it("the gateway's own meaning first, then the standard one, then the range", () => {
    expect(describeCloseCode(1001)).toBe('the gateway is shutting down');
    expect(describeCloseCode(1006)).toMatch(/^dropped without a close frame \(network failure, refused upgrade/);
    expect(describeCloseCode(1012)).toBe('the server is restarting');
    expect(describeCloseCode(4321)).toBe('application-defined');
    expect(describeCloseCode(4999)).toBe('application-defined');
    expect(describeCloseCode(3000)).toBe('unknown close code');
  });
});
