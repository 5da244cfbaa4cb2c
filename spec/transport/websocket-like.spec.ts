import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { tokenOf } from '../../lib/gateway/token.js';
import { BEARER_SUBPROTOCOL_PREFIX, browserSubprotocols, SUBPROTOCOL, WS_OPEN } from '../../lib/transport/websocket-like.js';
import { prng } from '../support/prng.js';

/** An RFC 6455 subprotocol is an HTTP token: these characters only. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The upgrade request a gateway would see for these offered subprotocols. */
const upgrade = (protocols: string[]) => ({ headers: { 'sec-websocket-protocol': protocols.join(', ') } }) as unknown as IncomingMessage;

describe('websocket-like', () => {
  it('names the subprotocols and the open state as the standard and the gateway do', () => {
    expect(SUBPROTOCOL).toBe('codex-rx.v1');
    expect(BEARER_SUBPROTOCOL_PREFIX).toBe('codex-rx.bearer.');
    expect(WS_OPEN).toBe(WebSocket.OPEN);
  });

  describe('browserSubprotocols', () => {
    it('without a token offers codex-rx.v1 only', () => {
      expect(browserSubprotocols(undefined)).toEqual(['codex-rx.v1']);
    });

    it('with a token adds codex-rx.bearer.<base64url of its UTF-8>, without padding', () => {
      expect(browserSubprotocols('abc')).toEqual(['codex-rx.v1', 'codex-rx.bearer.YWJj']);
      // One and two bytes past a multiple of three: where base64 would pad with '=' / '=='.
      expect(browserSubprotocols('abcd')).toEqual(['codex-rx.v1', 'codex-rx.bearer.YWJjZA']);
      expect(browserSubprotocols('abcde')).toEqual(['codex-rx.v1', 'codex-rx.bearer.YWJjZGU']);
    });

    it("uses the URL-safe alphabet: '-' and '_' where base64 has '+' and '/'", () => {
      // U+FBFF is EF AF BF in UTF-8: '76-_' in base64url, '76+/' in base64.
      expect(browserSubprotocols('\ufbff')[1]).toBe('codex-rx.bearer.76-_');
      expect(browserSubprotocols('??>')[1]).toBe('codex-rx.bearer.Pz8-');
    });

    it('encodes the UTF-8 bytes of any token (not UTF-16 code units)', () => {
      for (const token of ['ünïcødé ✓', '😀', 'tøken/with+odd?chars', '{"json":true}', 'x'.repeat(500)]) {
        expect([token, browserSubprotocols(token)[1]]).toEqual([token, BEARER_SUBPROTOCOL_PREFIX + Buffer.from(token, 'utf8').toString('base64url')]);
      }
    });

    it('offers only valid subprotocol names, which the gateway decodes back to the token (random tokens)', () => {
      const random = prng(23);
      const pick = (n: number) => Math.floor(random() * n);
      for (let i = 0; i < 300; i++) {
        const length = 1 + pick(40);
        let token = '';
        for (let j = 0; j < length; j++) {
          const kind = pick(3);
          token += kind === 0 ? String.fromCharCode(33 + pick(94)) : kind === 1 ? String.fromCharCode(0xa0 + pick(0xd000)) : String.fromCodePoint(0x1f300 + pick(0x300));
        }
        const offered = browserSubprotocols(token);
        expect(offered.every((p) => HTTP_TOKEN.test(p))).toBe(true);
        expect([token, tokenOf(upgrade(offered))]).toEqual([token, token]);
      }
    });
  });
});
