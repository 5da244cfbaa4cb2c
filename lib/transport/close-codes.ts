/**
 * WebSocket close codes that codex-rx/gateway sends to its clients, and that the browser-safe
 * WebSocketTransport maps to typed errors. Browser-safe: plain constants, no imports.
 *
 * codex-rx/gateway answers a refused upgrade from a browser (a request carrying an Origin) by
 * accepting it and closing at once with 4401/4403 and a short reason: an HTTP 401/403 before the
 * upgrade shows in a browser only as close code 1006 (abnormal closure). Requests without an
 * Origin (Node clients) still get the HTTP status.
 * Codes 4000–4999 are for applications (RFC 6455 §7.4.2); the last three digits follow HTTP.
 */
export const CloseCode = {
  /** The connection ended normally (the client or the gateway closed it). */
  NORMAL: 1000,
  /** The gateway is shutting down (`close()`). Reconnecting later may work. */
  GOING_AWAY: 1001,
  /** A frame was larger than the gateway's `maxFrameBytes` (the `ws` package's own code). */
  MESSAGE_TOO_BIG: 1009,
  /** The gateway failed internally (e.g. `authenticate` or the `upstream` function threw). */
  INTERNAL_ERROR: 1011,
  /** The client sent something that is not a JSON-RPC message (not JSON, binary frame, not an object). */
  BAD_REQUEST: 4400,
  /** No valid token (the browser form of HTTP 401): not worth retrying with the same token. */
  UNAUTHORIZED: 4401,
  /** Origin not allowed, or the principal may not connect (the browser form of HTTP 403). */
  FORBIDDEN: 4403,
  /** Nothing moved in either direction for `idleTimeoutMs`. */
  IDLE_TIMEOUT: 4408,
  /** The client sent more than `maxMessagesPerSecond`. */
  TOO_MANY_MESSAGES: 4429,
  /** The app-server behind the gateway exited, could not start, or its connection dropped. */
  UPSTREAM_FAILED: 4502,
  /**
   * The gateway is full: it already serves `maxConnections` clients, this principal already has
   * `maxConnectionsPerPrincipal`, or `maxAppServers` app-servers run (the reason says which).
   */
  TOO_MANY_CONNECTIONS: 4503,
} as const;

/** One of the {@link CloseCode} values. */
export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

// The words for each code: the gateway's own meaning where it sends the code, else the
// standard's (RFC 6455 §7.4.1) for the codes a client meets.
const DESCRIPTIONS: Readonly<Record<number, string>> = {
  [CloseCode.NORMAL]: 'closed normally',
  [CloseCode.GOING_AWAY]: 'the gateway is shutting down',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'closed without a status',
  1006: 'dropped without a close frame (network failure, refused upgrade, or the server died)',
  1007: 'invalid frame payload',
  1008: 'policy violation',
  [CloseCode.MESSAGE_TOO_BIG]: 'a message was larger than the gateway allows',
  [CloseCode.INTERNAL_ERROR]: 'the gateway failed internally',
  1012: 'the server is restarting',
  1013: 'try again later',
  [CloseCode.BAD_REQUEST]: 'the client sent something that is not a JSON-RPC message',
  [CloseCode.UNAUTHORIZED]: 'no valid token',
  [CloseCode.FORBIDDEN]: 'origin not allowed or forbidden',
  [CloseCode.IDLE_TIMEOUT]: 'idle for too long',
  [CloseCode.TOO_MANY_MESSAGES]: 'too many messages per second',
  [CloseCode.UPSTREAM_FAILED]: 'the app-server behind the gateway failed',
  [CloseCode.TOO_MANY_CONNECTIONS]: 'the gateway is full (connections or app-servers)',
};

/** A short human description of a close code (one of ours, a standard one, or the range it falls in), for error messages and close reasons. */
export function describeCloseCode(code: number): string {
  return DESCRIPTIONS[code] ?? (code >= 4000 && code <= 4999 ? 'application-defined' : 'unknown close code');
}
