/** The gateway's close codes and what each tells a user. */
import { CloseCode, describeCloseCode } from '../../lib/transport/close-codes.js';

describe('describeCloseCode', () => {
  it('describes every code of CloseCode, each differently', () => {
    const texts = Object.values(CloseCode).map(describeCloseCode);
    for (const [i, code] of Object.values(CloseCode).entries()) expect([code, texts[i]]).not.toEqual([code, `close code ${code}`]);
    expect(new Set(texts).size).toBe(texts.length);
  });

  it('the codes graphql-ws users know mean what they mean there', () => {
    expect(CloseCode).toMatchObject({ BAD_REQUEST: 4400, UNAUTHORIZED: 4401, FORBIDDEN: 4403, TOO_MANY_MESSAGES: 4429 });
    expect(describeCloseCode(4401)).toBe('no valid token');
  });

  it('1006 says the connection dropped or the upgrade was refused; other codes are named by number', () => {
    expect(describeCloseCode(1006)).toMatch(/dropped or the upgrade was refused/);
    expect(describeCloseCode(4999)).toBe('close code 4999');
  });
});
