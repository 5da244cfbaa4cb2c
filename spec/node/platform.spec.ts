/**
 * NODE_PLATFORM, what the Node entry hands each client: a stdio child for a local app-server, the
 * `ws` package when installed (else Node's global WebSocket, which carries a token only as a
 * subprotocol), signed tokens, unix sockets, and the validators and streams loaded up front.
 */
import WebSocket from 'ws';
import { ValidationError } from '../../lib/errors';
import type { CodexPlatform } from '../../lib/platform';
import { NODE_PLATFORM } from '../../lib/node/platform';
import { signBearerToken } from '../../lib/node/signed-bearer-token';
import * as EAGER_STREAMS from '../../lib/streams/all-streams';
import { StdioTransport } from '../../lib/transport/stdio-transport';
import { EAGER_VALIDATORS } from '../../lib/validation/eager-validators';
import { thrown } from '../support/thrown';

describe('NODE_PLATFORM', () => {
  it('is named node and starts a local app-server as a stdio child (nothing spawns before a subscription)', () => {
    expect(NODE_PLATFORM.name).toBe('node');
    const transport = NODE_PLATFORM.localTransport!({ codexBin: '/nonexistent/codex', redact: (t) => t });
    expect(transport).toBeInstanceOf(StdioTransport);
  });

  it('opens WebSockets with the ws package, which carries a token in the Authorization header', () => {
    expect(NODE_PLATFORM.WebSocket).toBe(WebSocket);
    expect(NODE_PLATFORM.tokenCarrier).toBe('header');
  });

  it('without ws installed: no WebSocket constructor of its own and no header carrier (Node\'s global WebSocket is used)', () => {
    let seen: Pick<CodexPlatform, 'WebSocket' | 'tokenCarrier'> | undefined;
    jest.isolateModules(() => {
      jest.doMock('ws', () => {
        throw Object.assign(new Error("Cannot find module 'ws' from 'optional-peer.ts'"), { code: 'MODULE_NOT_FOUND' });
      });
      // Read while the stand-in is in place: the platform looks ws up on each read.
      const platform = (require('../../lib/node/platform') as typeof import('../../lib/node/platform')).NODE_PLATFORM;
      seen = { WebSocket: platform.WebSocket, tokenCarrier: platform.tokenCarrier };
    });
    jest.dontMock('ws');
    expect(seen).toEqual({ WebSocket: undefined, tokenCarrier: undefined });
  });

  it('reaches a unix socket through ws, defaulting to the daemon socket under CODEX_HOME', () => {
    expect(NODE_PLATFORM.unixSocketUrl!('/run/codex.sock')).toBe('ws+unix:/run/codex.sock:/');
    expect(NODE_PLATFORM.unixSocketUrl!(undefined)).toMatch(/^ws\+unix:.*app-server-control\.sock:\/$/);
  });

  it('signs bearer tokens with jose and checks their options before anything is sent', () => {
    expect(NODE_PLATFORM.signBearerToken).toBe(signBearerToken);
    expect(ValidationError.is(thrown(() => NODE_PLATFORM.checkSignedBearerToken!({ sharedSecret: 'short' })))).toBe(true);
    expect(() => NODE_PLATFORM.checkSignedBearerToken!({ sharedSecret: 'x'.repeat(32) })).not.toThrow();
  });

  it('hands over the validators and streams loaded with the entry (Node checks the first request synchronously)', () => {
    expect(NODE_PLATFORM.validators).toBe(EAGER_VALIDATORS);
    expect(NODE_PLATFORM.streams).toBe(EAGER_STREAMS);
  });
});
