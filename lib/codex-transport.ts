import type { CodexConfig } from './codex-config.js';
import { CodexError } from './errors.js';
import { currentPlatform } from './platform.js';
import { APP_SERVER_PROCESS_KEYS, type AppServerProcessOptions } from './transport/process-options.js';
import type { Transport } from './transport/transport.js';

/**
 * The transport a Codex client talks through: the one given, or a local app-server started by
 * the host platform (Node). Fails at once where no platform can start one (a browser).
 */
export function transportFor(config: CodexConfig, redact: (text: string) => string): Transport {
  if (config.transport !== undefined) return config.transport;
  const platform = currentPlatform();
  if (!platform?.localTransport) {
    throw new CodexError(
      'codex-rx cannot start a local app-server here (no Node.js platform is loaded): pass { transport } ' +
        "(e.g. new WebSocketTransport({ url: 'wss://…' }) to a codex-rx gateway), or import codex-rx from Node.js",
    );
  }
  const options: Record<string, unknown> = {};
  for (const key of APP_SERVER_PROCESS_KEYS) if (config[key] !== undefined) options[key] = config[key];
  return platform.localTransport({ ...(options as AppServerProcessOptions), redact });
}
