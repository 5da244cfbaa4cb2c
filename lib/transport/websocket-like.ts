/**
 * The part of the standard WebSocket that codex-rx uses: browsers' own, Node 22's global and the
 * `ws` package all fit. Injecting the constructor keeps the transport free of Node imports.
 */
export interface WebSocketLike {
  readonly readyState: number;
  /** Bytes queued by `send()` and not yet handed to the network. */
  readonly bufferedAmount: number;
  /** The subprotocol the server chose ('' if none). */
  readonly protocol: string;
  binaryType?: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'message' | 'close' | 'error', listener: (event: any) => void): void;
  /** `ws` (Node) only: forcible close, keep-alive pings and their answers. */
  terminate?(): void;
  ping?(): void;
  on?(event: 'pong', listener: () => void): unknown;
}

/** A WebSocket constructor; the third argument is passed only to Node's `ws` (headers, limits, unix sockets). */
export type WebSocketConstructor = new (url: string, protocols?: string | string[], options?: any) => WebSocketLike;

/** readyState values of the standard. */
export const WS_OPEN = 1;

/** How a token reaches the peer: an `Authorization: Bearer` header (Node; the app-server's way) or a subprotocol (browsers). */
export type TokenCarrier = 'header' | 'subprotocol';

/**
 * What a host adds to WebSocketTransport (Node: the `ws` package, which can send headers and
 * reach unix sockets). A browser needs none: `globalThis.WebSocket` and a subprotocol token.
 */
export interface WebSocketHost {
  /** The WebSocket constructor used when none is injected (Node: the `ws` package, when installed). */
  readonly WebSocket?: WebSocketConstructor;
  /** How that constructor carries a token (Node: the `Authorization` header). */
  readonly tokenCarrier?: TokenCarrier;
  /** The `ws` URL of a unix socket; `undefined` = the local daemon's socket under `$CODEX_HOME`. */
  unixSocketUrl?(socketPath: string | undefined): string;
  /** Keep-alive pings (`pingIntervalMs`); `dead()` on a half-open connection; returns the stop (Node: lib/node/ws-liveness.ts). */
  watchLiveness?(socket: WebSocketLike, everyMs: number, dead: () => void): () => void;
  /** Whether the socket keeps the host process alive (Node). */
  keepSocketAlive?(socket: WebSocketLike, alive: boolean): void;
}

/** The subprotocol every browser client offers; the gateway echoes it. */
export const SUBPROTOCOL = 'codex-rx.v1';
/** Prefix of the subprotocol that carries a token from a browser: `codex-rx.bearer.<base64url(utf8 token)>`. */
export const BEARER_SUBPROTOCOL_PREFIX = 'codex-rx.bearer.';

/** The subprotocols a browser offers: `codex-rx.v1`, and the token (base64url of its UTF-8, no padding) if any. */
export function browserSubprotocols(token: string | undefined): string[] {
  if (token === undefined) return [SUBPROTOCOL];
  const bytes = new TextEncoder().encode(token);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const b64url = btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return [SUBPROTOCOL, BEARER_SUBPROTOCOL_PREFIX + b64url];
}
