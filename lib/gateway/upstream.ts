import type { StdioTransportOptions } from '../transport/stdio-transport.js';

/**
 * How a principal's own app-server is spawned (the same fields a `CodexConfig` uses). The gateway
 * runs it in the principal's directory under `dataRoot` with a clean environment: `env` adds to
 * (or, with `undefined`, removes from) that allow-list, never the gateway's `process.env`.
 * `configOverrides` apply to every principal's app-server, after the gateway's defaults. An
 * explicit `cwd` or `env.CODEX_HOME` is shared by every principal that gets this config. It ends
 * `principalGraceMs` after the principal's last tab left, on `close()` and when this process exits.
 */
export interface StdioUpstreamConfig
  extends Pick<StdioTransportOptions, 'codexBin' | 'launchArgsOverride' | 'configOverrides' | 'cwd' | 'env' | 'maxLineBytes' | 'closeGraceMs'> {
  /** Values masked as `[REDACTED]` in anything the gateway logs (e.g. an API key passed in `env`). */
  readonly secrets?: readonly string[];
}

/**
 * An app-server listening on ws:// or wss:// (e.g. one per principal on another host, started with
 * `startAppServer`): one upstream WebSocket per principal, shared by its tabs.
 * `token` is sent as `Authorization: Bearer`; nothing of the client's request (Origin, cookies,
 * headers) is forwarded.
 */
export interface WebSocketUpstreamConfig {
  readonly url: string;
  readonly token?: string;
}

/** Where a client connection's messages go. */
export type UpstreamConfig = StdioUpstreamConfig | WebSocketUpstreamConfig;

/** What a running upstream reports to the connection that owns it. */
export interface UpstreamEvents {
  /** One server→client message, unparsed (a line of stdout or a text frame). */
  message(data: string | Buffer): void;
  /** The upstream ended without being asked to (`reason` is safe to show: no stderr, no token). */
  failed(reason: string): void;
}

/** A running upstream: one app-server conversation. */
export interface Upstream {
  /** The app-server's process id, for a stdio upstream. */
  readonly pid?: number;
  /** Sends the text of one client→server JSON-RPC message. */
  send(text: string): void;
  /** Stops reading server→client messages while the client is slow (backpressure). */
  pause(): void;
  resume(): void;
  /** Ends it; resolves once the process is gone or the socket closed. Idempotent. */
  close(): Promise<void>;
}

/** True when the config names a shared server rather than a process to spawn. */
export function isWebSocketUpstream(config: UpstreamConfig): config is WebSocketUpstreamConfig {
  return typeof (config as WebSocketUpstreamConfig).url === 'string';
}

/** The failure state every upstream keeps: see `failOnce`. */
export interface UpstreamFailure {
  /** Reports `reason` to the owner and stops the upstream, the first time only and never after `closing()`. */
  fail(reason: string): void;
  /** The owner is closing it: whatever ends it from now on is not a failure. */
  closing(): void;
  /** True once closing or failed: nothing more is sent. */
  readonly ended: boolean;
}

/**
 * Reports an upstream's failure once, then stops it (`stop`: kill the process, cut the socket);
 * an upstream being closed reports nothing, since its owner asked for the end.
 */
export function failOnce(events: UpstreamEvents, stop: () => void): UpstreamFailure {
  let closing = false;
  let failed = false;
  return {
    fail(reason) {
      if (closing || failed) return;
      failed = true;
      events.failed(reason);
      stop();
    },
    closing() {
      closing = true;
    },
    get ended() {
      return closing || failed;
    },
  };
}
