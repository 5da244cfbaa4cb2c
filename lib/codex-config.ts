import type { SchedulerLike } from 'rxjs';
import type { ServerRequestHandler } from './approvals/approval-router.js';
import { ValidationError, type ValidationIssue } from './errors.js';
import { APP_SERVER_PROCESS_KEYS, type AppServerProcessOptions } from './transport/process-options.js';
import { didYouMean } from './validation/did-you-mean.js';
import type { SignedBearerTokenOptions } from './platform.js';
import type { Transport } from './transport/transport.js';
import type { WebSocketConstructor } from './transport/websocket-like.js';

/** What every client has, whatever it talks through. */
export interface CodexClientOptions {
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
  /** Answers server requests (approvals, questions, elicitations, tool calls) for the whole client (see ServerRequestHandler). */
  readonly serverRequestHandler?: ServerRequestHandler;
  /** @deprecated Renamed `serverRequestHandler`: it answers every server request, tool calls included. */
  readonly approvalHandler?: ServerRequestHandler;
  /** After this long without an answer, a server request gets the safe default (default: wait). */
  readonly approvalTimeoutMs?: number;
  /** Deadline of each request's answer (default 300 000 ms; 0 = none). Turns are not bounded by it. */
  readonly requestTimeoutMs?: number;
  /**
   * Runs the client's delays — request deadlines, `approvalTimeoutMs`, reconnect backoff —
   * instead of the host's setTimeout: pass the TestScheduler in marble tests to have them in
   * virtual time.
   */
  readonly scheduler?: SchedulerLike;
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
  /** Applied to every text codex-rx reports (errors, warnings, stderr), after the built-in masking of `secrets`. */
  readonly redact?: (text: string) => string;
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

/** Connecting to a running app-server (or a codex-rx gateway) instead of spawning one. */
export interface CodexRemoteOptions {
  /**
   * `ws://host:port`, `wss://…`, or in Node `unix:///abs/path.sock` (WebSocket over a unix
   * socket) and `unix://` alone (the local daemon's `$CODEX_HOME/app-server-control/app-server-control.sock`).
   */
  readonly url: string;
  /**
   * Capability token (`--ws-auth capability-token`), or a function (sync or async) called on
   * every connection attempt, so a refreshed token is used on reconnect. Node sends
   * `Authorization: Bearer`, a browser a subprotocol. Never printed.
   */
  readonly token?: string | (() => string | Promise<string>);
  /** Node: mint a fresh HS256 JWT for every connection attempt (`--ws-auth signed-bearer-token`). */
  readonly signedBearerToken?: SignedBearerTokenOptions;
  /** The WebSocket constructor (default: `ws` in Node, `globalThis.WebSocket` in a browser). */
  readonly WebSocket?: WebSocketConstructor;
  /** Give up connecting after this long (default 10 000 ms). */
  readonly connectTimeoutMs?: number;
  /**
   * After the connection drops, a new one is opened (new handshake; a `Thread` resumes its
   * thread there before its next use): on its own while anything live is subscribed
   * (`notifications$`, a `$` property, an attached turn: they continue on the new connection,
   * attached turns re-attached), else on the next call. Failed attempts wait a backoff with
   * jitter (from `initialDelayMs`, default 250, doubling up to `maxDelayMs`, default 10 000). A
   * refusal (AuthenticationError: HTTP 401/403, close 4401/4403) is never retried on its own.
   * Turns started with `thread.turn()` in flight at the drop are lost (they error with
   * TransportClosedError); `codex.state$` shows `reconnecting`.
   */
  readonly reconnect?: boolean | { readonly initialDelayMs?: number; readonly maxDelayMs?: number };
}

/** Talking through a transport you built (a WebSocketTransport, or the testing kit's InMemoryTransport). */
export interface CodexTransportOptions {
  /** Use this transport instead of spawning a process or connecting by url. */
  readonly transport: Transport;
}

/** None of T's keys may be given. */
type Without<T> = { readonly [K in keyof T]?: never };

/** Spawning `codex app-server` (Node): the process options apply; no url, no transport. */
export type CodexSpawnConfig = CodexClientOptions & AppServerProcessOptions & Without<CodexRemoteOptions> & Without<CodexTransportOptions>;
/** Connecting to a running app-server or gateway by `url`: no process options, no transport. */
export type CodexUrlConfig = CodexClientOptions & CodexRemoteOptions & Without<AppServerProcessOptions> & Without<CodexTransportOptions>;
/** Talking through a given `transport`: no process options, no url. */
export type CodexTransportConfig = CodexClientOptions & CodexTransportOptions & Without<AppServerProcessOptions> & Without<CodexRemoteOptions>;

/**
 * How a Codex client starts and talks to the app-server. Nothing happens until first use.
 * One of three, told apart by `url` and `transport`: with `url` it connects to a running
 * app-server; with `transport` it uses that; otherwise it spawns `codex app-server` (Node).
 * Mixing them (`{ url, cwd }`) fails to type-check, and at run time with a ValidationError.
 */
export type CodexConfig = CodexSpawnConfig | CodexUrlConfig | CodexTransportConfig;

/** This package's version, sent as `clientInfo.version`. */
export const SDK_VERSION = '0.1.0';

const CLIENT_KEYS: readonly (keyof CodexClientOptions | keyof CodexTransportOptions)[] = [
  'transport',
  'clientName',
  'clientTitle',
  'clientVersion',
  'experimentalApi',
  'optOutNotificationMethods',
  'serverRequestHandler',
  'approvalHandler',
  'approvalTimeoutMs',
  'requestTimeoutMs',
  'scheduler',
  'maxBufferedPerThread',
  'maxPendingServerRequests',
  'secrets',
  'redact',
  'validate',
  'validateInbound',
];

/** Every key of {@link CodexRemoteOptions}. */
export const REMOTE_KEYS: readonly (keyof CodexRemoteOptions)[] = ['url', 'token', 'signedBearerToken', 'WebSocket', 'connectTimeoutMs', 'reconnect'];

const KNOWN_KEYS: ReadonlySet<string> = new Set<string>([...CLIENT_KEYS, ...APP_SERVER_PROCESS_KEYS, ...REMOTE_KEYS]);

/**
 * Rejects what a JavaScript caller could get wrong silently: a config that is not an object and
 * unknown keys (`{ ulr }` must not quietly spawn a process). Throws ValidationError.
 */
export function checkCodexConfig(config: unknown): asserts config is CodexConfig {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new ValidationError('CodexConfig', [{ path: '', message: 'must be an object' }]);
  }
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(config)) {
    if (KNOWN_KEYS.has(key)) continue;
    const near = didYouMean(key, KNOWN_KEYS, 1)[0];
    issues.push({ path: key, message: `is not a CodexConfig option${near ? ` (did you mean ${near}?)` : ''}` });
  }
  const c = config as CodexConfig;
  const given = (keys: readonly string[]) => keys.filter((k) => (c as Record<string, unknown>)[k] !== undefined);
  if (c.url !== undefined) {
    for (const key of given(APP_SERVER_PROCESS_KEYS)) issues.push({ path: key, message: 'applies only when codex-rx spawns the app-server, not with url' });
    if (c.transport !== undefined) issues.push({ path: 'transport', message: 'cannot be combined with url: pass one of them' });
    if (c.token !== undefined && c.signedBearerToken !== undefined) issues.push({ path: 'signedBearerToken', message: 'cannot be combined with token: pass one of them' });
  } else {
    if (c.transport !== undefined) {
      for (const key of given(APP_SERVER_PROCESS_KEYS)) issues.push({ path: key, message: 'applies only when codex-rx spawns the app-server, not with transport' });
    }
    for (const key of given(['token', 'signedBearerToken', 'WebSocket', 'connectTimeoutMs'])) issues.push({ path: key, message: 'applies only with url' });
    if (c.reconnect) issues.push({ path: 'reconnect', message: 'applies only with url (a spawned app-server is not restarted)' });
  }
  if (c.token !== undefined && typeof c.token !== 'function' && (typeof c.token !== 'string' || c.token === '')) {
    issues.push({ path: 'token', message: 'must be a non-empty string or a function returning one' });
  }
  if (issues.length > 0) throw new ValidationError('CodexConfig', issues);
}
