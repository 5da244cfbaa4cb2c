// codex-rx for Node.js: everything of the browser-safe main entry, plus what needs Node
// (spawning the binary). `codex-rx` resolves here under the `node` export condition, and
// `codex-rx/node` always does. Its `Codex` and `WebSocketTransport` are the main entry's, built
// with the Node platform (no import side effect, no process-wide state): `new Codex()` spawns.
import { Codex as CoreCodex } from '../codex.js';
import type { CodexConfig } from '../codex-config.js';
import { WebSocketTransport as CoreWebSocketTransport, type WebSocketTransportOptions } from '../transport/websocket-transport.js';
import { NODE_PLATFORM } from './platform.js';

export * from '../index.js';

/**
 * The Codex client, with the Node platform: without `url` or `transport` it spawns the
 * `codex app-server` of `@openai/codex`; WebSockets use `ws`; validators load with the entry.
 */
export class Codex extends CoreCodex {
  constructor(config: CodexConfig = {}) {
    super(config, NODE_PLATFORM);
  }
}

/** WebSocketTransport with Node's defaults: `ws` (Authorization header, unix sockets) when installed. */
export class WebSocketTransport extends CoreWebSocketTransport {
  constructor(options: WebSocketTransportOptions) {
    super({ host: NODE_PLATFORM, ...options });
  }
}

// Spawning the app-server
export { StdioTransport, type StdioTransportOptions } from '../transport/stdio-transport.js';
export { resolveCodexBinary, type ResolvedBinary } from '../transport/stdio-binary.js';
export { signBearerToken } from './signed-bearer-token.js';

// A listening app-server several clients share
export { startAppServer, type RunningAppServer, type StartAppServerOptions } from './start-app-server.js';
