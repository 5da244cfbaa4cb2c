import type { CodexConfig } from './codex-config.js';
import { CodexError } from './errors.js';
import type { CodexPlatform } from './platform.js';
import { APP_SERVER_PROCESS_KEYS, type AppServerProcessOptions } from './transport/process-options.js';
import type { Transport } from './transport/transport.js';
import { WebSocketTransport } from './transport/websocket-transport.js';

/**
 * The transport a Codex client talks through: the one given, or a local app-server started by
 * the host platform (Node). Fails at once where no platform can start one (a browser).
 */
export function transportFor(config: CodexConfig, redact: (text: string) => string, platform: CodexPlatform | undefined): Transport {
  if (config.transport !== undefined) return config.transport;
  if (config.url !== undefined) return webSocketTransportFor(config, redact, platform);
  if (!platform?.localTransport) {
    throw new CodexError(
      "codex-rx cannot start a local app-server here (no Node.js): pass { url: 'wss://…', token } of a codex-rx gateway " +
        '(or an app-server), or { transport } (e.g. a WebSocketTransport, or codex-rx/testing\'s InMemoryTransport)',
    );
  }
  const options: Record<string, unknown> = {};
  for (const key of APP_SERVER_PROCESS_KEYS) if (config[key] !== undefined) options[key] = config[key];
  return platform.localTransport({ ...(options as AppServerProcessOptions), redact });
}

/** A WebSocketTransport for `url`, minting a fresh signed token per attempt when asked to. */
function webSocketTransportFor(config: CodexConfig, redact: (text: string) => string, platform: CodexPlatform | undefined): Transport {
  let token: string | (() => string | Promise<string>) | undefined = config.token;
  const signed = config.signedBearerToken;
  if (signed !== undefined) {
    if (!platform?.signBearerToken) throw new CodexError('signedBearerToken needs Node.js (a shared secret must never reach a browser): pass { token } instead');
    platform.checkSignedBearerToken?.(signed);
    const sign = platform.signBearerToken;
    token = () => sign(signed);
  }
  return new WebSocketTransport({ url: config.url!, token, WebSocket: config.WebSocket, host: platform, connectTimeoutMs: config.connectTimeoutMs, redact });
}
