import type { ApprovalHandler } from './approvals/approval-router.js';
import type { StdioTransportOptions } from './transport/stdio-transport.js';
import type { Transport } from './transport/transport.js';

/** How a Codex client starts and talks to the app-server. Nothing happens until first use. */
export interface CodexConfig extends StdioTransportOptions {
  /** Use this transport instead of spawning a process (e.g. InMemoryTransport in tests). */
  readonly transport?: Transport;
  /** `clientInfo.name` (default `codex_rx`). */
  readonly clientName?: string;
  /** `clientInfo.title` (default `codex-rx`). */
  readonly clientTitle?: string;
  /** `clientInfo.version` (default this package's version). */
  readonly clientVersion?: string;
  /** Opt into experimental methods and fields (default true). */
  readonly experimentalApi?: boolean;
  /** Notifications the server should not send at all (bandwidth). */
  readonly optOutNotificationMethods?: readonly string[];
  /** Answers approvals and other server requests for the whole client (see ApprovalHandler). */
  readonly approvalHandler?: ApprovalHandler;
  /** After this long without an answer, a server request gets the safe default (default: wait). */
  readonly approvalTimeoutMs?: number;
  /** Deadline of each request's answer (default 300 000 ms; 0 = none). Turns are not bounded by it. */
  readonly requestTimeoutMs?: number;
  /** Messages held per thread while a turn/start awaits its answer (default 10 000). */
  readonly maxBufferedPerThread?: number;
  /** Server requests awaiting an answer at once (default 1 000); more are answered -32001 at once. */
  readonly maxPendingServerRequests?: number;
  /**
   * Secret values (e.g. an API key passed in `env`) that codex-rx masks as `[REDACTED]` in every
   * error message, warning and stderr text it reports. Keys given to `loginApiKey` are added
   * automatically. Values shorter than 4 characters are ignored.
   */
  readonly secrets?: readonly string[];
  /**
   * Check every request's params against the binary's JSON Schema before sending (default true):
   * bad params fail with ValidationError (with the JSON path) and nothing is sent.
   */
  readonly validate?: boolean;
  /**
   * Check what the server sends against the schema too, reporting drift on `warnings$` as
   * `schema-drift` (default false; for debugging — it costs time on every message).
   */
  readonly validateInbound?: boolean;
}

/** This package's version, sent as `clientInfo.version`. */
export const SDK_VERSION = '0.1.0';
