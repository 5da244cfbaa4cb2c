import type { AppServerProcessOptions } from './transport/process-options.js';
import type { Transport } from './transport/transport.js';

/**
 * What the host adds to the browser-safe core. The core imports no Node built-in; codex-rx's
 * Node entry (`codex-rx` under the `node` export condition, and `codex-rx/node`) installs the
 * Node platform when it loads, so that `new Codex()` spawns the bundled binary there. In a
 * browser nothing is installed and the client needs a `url` or a `transport`.
 */
export interface CodexPlatform {
  /** For messages: `node`, … */
  readonly name: string;
  /** Starts a local app-server (Node: a child process over stdio). */
  localTransport?(options: AppServerProcessOptions & { readonly redact: (text: string) => string }): Transport;
}

let installed: CodexPlatform | undefined;

/** Installs the host platform (idempotent; the last one wins). Called by the Node entry. */
export function installPlatform(platform: CodexPlatform): void {
  installed = platform;
}

/** The installed platform, if any. */
export function currentPlatform(): CodexPlatform | undefined {
  return installed;
}
