import type { CodexPlatform } from '../platform.js';
import * as EAGER_STREAMS from '../streams/all-streams.js';
import { StdioTransport } from '../transport/stdio-transport.js';
import type { WebSocketConstructor } from '../transport/websocket-like.js';
import { EAGER_VALIDATORS } from '../validation/eager-validators.js';
import { requireOptionalPeer } from './optional-peer.js';
import { checkSignedBearerTokenOptions, signBearerToken } from './signed-bearer-token.js';
import { unixSocketUrl } from './unix-socket.js';
import { keepSocketAlive, watchLiveness } from './ws-liveness.js';

/**
 * Node.js: `new Codex()` spawns the bundled `codex app-server` over stdio; WebSockets use the
 * `ws` package when installed (Node 20 has no global one, and only `ws` can send the Authorization header the
 * app-server expects, or reach a unix socket); signed bearer tokens are minted with `jose`; the
 * validators and the streams load with the entry (browsers fetch them on first use instead).
 */
export const NODE_PLATFORM: CodexPlatform = {
  name: 'node',
  localTransport: (options) => new StdioTransport(options),
  // ws is an optional peer: loaded when a WebSocket is first opened; without it, Node's global
  // WebSocket (Node ≥ 22) is used, which can carry a token only as a subprotocol (a gateway's way).
  get WebSocket() {
    return requireOptionalPeer<WebSocketConstructor>('ws');
  },
  get tokenCarrier() {
    return this.WebSocket === undefined ? undefined : ('header' as const);
  },
  unixSocketUrl,
  watchLiveness,
  keepSocketAlive,
  signBearerToken,
  checkSignedBearerToken: checkSignedBearerTokenOptions,
  validators: EAGER_VALIDATORS,
  streams: EAGER_STREAMS,
};
