import type { AppServerProcessOptions } from './transport/process-options.js';
import type { Transport } from './transport/transport.js';
import type { WebSocketHost } from './transport/websocket-like.js';
import type { Streams } from './streams/lazy-streams.js';
import type { Validators } from './validation/lazy-validators.js';

/** A signed bearer token for `--ws-auth signed-bearer-token` servers: an HS256 JWT minted per connection attempt. */
export interface SignedBearerTokenOptions {
  /** The server's shared secret (`--ws-shared-secret-file`; at least 32 bytes). Never printed. */
  readonly sharedSecret: string | Uint8Array;
  /** `iss`, when the server checks it (`--ws-issuer`). */
  readonly issuer?: string;
  /** `aud`, when the server checks it (`--ws-audience`). */
  readonly audience?: string;
  /** Lifetime of each token (default 300 s); `exp` is required by the server. */
  readonly ttlSeconds?: number;
}

/**
 * What the host adds to the browser-safe core, handed to each client (no process-wide state):
 * codex-rx's Node entry exports a `Codex` built with the Node platform, so that `new Codex()`
 * spawns the bundled binary there; the main entry's `Codex` has none (a browser), and needs a
 * `url` or a `transport`.
 */
export interface CodexPlatform extends WebSocketHost {
  /** For messages: `node`, … */
  readonly name: string;
  /** Starts a local app-server (Node: a child process over stdio). */
  localTransport?(options: AppServerProcessOptions & { readonly redact: (text: string) => string }): Transport;
  /** Mints a fresh signed bearer token (Node: HS256 with `jose`). */
  signBearerToken?(options: SignedBearerTokenOptions): Promise<string>;
  /** Throws ValidationError for bad signed-token options (before anything is sent). */
  checkSignedBearerToken?(options: unknown): void;
  /**
   * The validators, loaded with the host's entry (Node: there is no first load to keep small, and
   * the first request is checked synchronously). Without them they load on first use (`import()`).
   */
  readonly validators?: Validators;
  /**
   * The streams (exec, spawn, watch, searches, review, live states), loaded with the host's entry
   * (Node, the testing kit): built synchronously. Without them they load on first use (`import()`).
   */
  readonly streams?: Streams;
}
