import type { IncomingMessage } from 'node:http';
import { tokenOf } from '../../lib/gateway/token.js';
import { browserSubprotocols } from '../../lib/transport/websocket-like.js';

const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('gateway token extraction', () => {
  it('reads Authorization: Bearer', () => {
    expect(tokenOf(req({ authorization: 'Bearer abc.def-ghi' }))).toBe('abc.def-ghi');
    expect(tokenOf(req({ authorization: 'bearer  xyz' }))).toBe('xyz');
  });

  it('refuses other Authorization schemes without falling back to the subprotocol', () => {
    expect(tokenOf(req({ authorization: 'Basic dXNlcjpwYXNz', 'sec-websocket-protocol': browserSubprotocols('t').join(', ') }))).toBeUndefined();
    expect(tokenOf(req({ authorization: 'Bearer' }))).toBeUndefined();
  });

  it('decodes the browser subprotocol for any UTF-8 token', () => {
    for (const token of ['t', 'with space', 'ünïcødé ✓', 'a/b+c=d', 'x'.repeat(500), '{"json":true}']) {
      expect(tokenOf(req({ 'sec-websocket-protocol': browserSubprotocols(token).join(', ') }))).toBe(token);
    }
  });

  it('refuses malformed, padded, duplicated or missing bearer subprotocols', () => {
    const cases = ['codex-rx.v1', 'codex-rx.v1, codex-rx.bearer.', 'codex-rx.v1, codex-rx.bearer.YWJj=', 'codex-rx.v1, codex-rx.bearer.a', 'codex-rx.v1, codex-rx.bearer.YWJj, codex-rx.bearer.ZGVm', 'codex-rx.v1, codex-rx.bearer.__8'];
    for (const header of cases) expect([header, tokenOf(req({ 'sec-websocket-protocol': header }))]).toEqual([header, undefined]);
    expect(tokenOf(req({}))).toBeUndefined();
  });
});
