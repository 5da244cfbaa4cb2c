/**
 * The error hierarchy of codex-rx. Every class carries a `Symbol.for` brand so that `X.is(e)`
 * works even when two copies of the package are installed (common in Angular workspaces),
 * where `instanceof` would fail.
 */

import type { Turn } from './protocol/generated/v2/Turn.js';
import type { TurnError } from './protocol/generated/v2/TurnError.js';

const BRANDS = Symbol.for('codex-rx.error.brands');
const BRAND_PREFIX = 'codex-rx.error.';

type Brand = { readonly brand: symbol };

/** Base class of every error codex-rx raises. */
export class CodexError extends Error {
  static readonly brand: symbol = Symbol.for('codex-rx.error.CodexError');

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    // From the brand, not the constructor's name: a minifier renames classes (`e: …` on a page).
    const own = Object.prototype.hasOwnProperty.call(new.target, 'brand') ? (new.target as unknown as Brand).brand.description : undefined;
    this.name = own?.startsWith(BRAND_PREFIX) ? own.slice(BRAND_PREFIX.length) : new.target.name;
    const brands: symbol[] = [];
    for (let c: unknown = new.target; c && (c as Brand).brand; c = Object.getPrototypeOf(c)) {
      if (Object.prototype.hasOwnProperty.call(c, 'brand')) brands.push((c as Brand).brand);
    }
    Object.defineProperty(this, BRANDS, { value: brands, enumerable: false });
  }

  /** True when `e` is an instance of this class, from any copy of codex-rx. */
  static is<T extends abstract new (...args: never[]) => CodexError>(this: T & Brand, e: unknown): e is InstanceType<T> {
    const brands = (e as { [BRANDS]?: symbol[] } | null | undefined)?.[BRANDS];
    return Array.isArray(brands) && brands.includes(this.brand);
  }
}

/** The connection to the app-server is gone: the process exited, was killed, or was closed; or the socket closed. */
export class TransportClosedError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.TransportClosedError');
  /** Exit code of the app-server process, when it exited. */
  readonly exitCode: number | null;
  /** Signal that ended the app-server process, when one did. */
  readonly signal: string | null;
  /** The last lines the process wrote to stderr (bounded). */
  readonly stderrTail: string;
  /** WebSocket close code, when a socket closed (1006: dropped without a close frame). */
  readonly closeCode: number | null;
  /** WebSocket close reason ('' when none was given). */
  readonly closeReason: string;

  constructor(
    message: string,
    details: { exitCode?: number | null; signal?: string | null; stderrTail?: string; closeCode?: number | null; closeReason?: string; cause?: unknown } = {},
  ) {
    const tail = details.stderrTail?.trim();
    super(tail ? `${message}\n--- app-server stderr (tail) ---\n${tail}` : message, { cause: details.cause });
    this.exitCode = details.exitCode ?? null;
    this.signal = details.signal ?? null;
    this.stderrTail = details.stderrTail ?? '';
    this.closeCode = details.closeCode ?? null;
    this.closeReason = details.closeReason ?? '';
  }
}

/**
 * The server refused the connection for its credentials or origin: HTTP 401/403 on the WebSocket
 * upgrade, or close code 4401/4403. Never carries the token.
 */
export class AuthenticationError extends TransportClosedError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.AuthenticationError');
  /** The HTTP status of the refused upgrade, when known (a browser never learns it). */
  readonly httpStatus: number | null;
  constructor(message: string, details: { httpStatus?: number | null; closeCode?: number | null; closeReason?: string; cause?: unknown } = {}) {
    super(message, details);
    this.httpStatus = details.httpStatus ?? null;
  }
}

/** What a Node.js app installs to spawn the app-server: `@openai/codex` is an optional peer dependency. */
export const NODE_INSTALL_COMMAND = 'npm install codex-rx rxjs @openai/codex';

/** No codex binary was found; `tried` lists every place looked at. */
export class BinaryNotFoundError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.BinaryNotFoundError');
  constructor(readonly tried: readonly string[]) {
    super(`codex binary not found. Tried:\n${tried.map((t) => `  - ${t}`).join('\n')}\nInstall it with \`${NODE_INSTALL_COMMAND}\` (@openai/codex is an optional peer dependency), or pass { codexBin }.`);
  }
}

/** The peer broke the protocol in a way the connection cannot recover from (e.g. a line too long). */
export class ProtocolError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.ProtocolError');
}

/** A request got no answer within its deadline. */
export class RequestTimeoutError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.RequestTimeoutError');
  constructor(
    readonly method: string,
    readonly timeoutMs: number,
  ) {
    super(`${method} got no answer within ${timeoutMs} ms`);
  }
}

/** The app-server answered a request with a JSON-RPC error. */
export class JsonRpcError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.JsonRpcError');
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
    /** The method of the request that failed, when known. */
    readonly method?: string,
  ) {
    super(method ? `${method}: ${message} (${code})` : `${message} (${code})`);
  }
}

/** -32700: the server could not parse what we sent. */
export class ParseError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.ParseError');
}
/** -32600: the request was not valid (the app-server also uses this for bad params). */
export class InvalidRequestError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.InvalidRequestError');
}
/** -32601: the server does not know the method. */
export class MethodNotFoundError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.MethodNotFoundError');
}
/** -32602: the params were not valid. */
export class InvalidParamsError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.InvalidParamsError');
}
/** -32603: the server failed internally. */
export class InternalRpcError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.InternalRpcError');
}
/** -32001 (or a -32000…-32099 error saying so): the server is overloaded; nothing ran, retry later. */
export class ServerBusyError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.ServerBusyError');
}
/**
 * A codex-rx/gateway refused the method: it is outside the gateway's `allowedMethods` policy (or
 * its params ask for more than the policy grants). Nothing was forwarded to the app-server.
 * `data` is `{ method, reason? }`.
 */
export class MethodNotAllowedError extends JsonRpcError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.MethodNotAllowedError');
  /** The JSON-RPC error code a gateway answers with. */
  static readonly CODE = -32010;
}
/** The server gave up after too many failed attempts of its own. */
export class RetryLimitExceededError extends ServerBusyError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.RetryLimitExceededError');
}

/** A turn ended with status `failed`. */
export class TurnFailedError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.TurnFailedError');
  constructor(
    message: string,
    readonly threadId: string,
    readonly turnId: string,
    /** The turn's error info as the server sent it. */
    readonly turnError: TurnError | null,
    /** The turn as it completed (the `turn/completed` payload). */
    readonly turn?: Turn,
  ) {
    super(message);
  }
}

/** One problem found while validating: where (a JSON path) and what. */
export interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/** Input we refused to send, or output that did not match its schema; nothing was sent. */
export class ValidationError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.ValidationError');
  constructor(
    readonly subject: string,
    readonly issues: readonly ValidationIssue[],
    /** For structured output: the raw text that failed. */
    readonly raw?: string,
  ) {
    super(`${subject}: ${issues.map((i) => (i.path ? `${i.path} ${i.message}` : i.message)).join('; ')}`);
  }
}

/** Maps a JSON-RPC error object to the matching error class. */
export function rpcErrorFromWire(error: { code: number; message: string; data?: unknown }, method?: string): JsonRpcError {
  const { code, message, data } = error;
  const text = `${message} ${typeof data === 'string' ? data : JSON.stringify(data ?? '')}`.toLowerCase();
  switch (code) {
    case -32700:
      return new ParseError(code, message, data, method);
    case -32600: {
      // An app-server older than the method answers "unknown variant `m`, expected one of …"
      // (every method it has): that is a missing method, and the list is kept out of the message.
      const missing = /^Invalid request: unknown variant `([^`]*)`/.exec(message);
      if (missing) return new MethodNotFoundError(code, `${missing[0]}: this app-server does not have the method`, data ?? { serverMessage: message }, method);
      return new InvalidRequestError(code, message, data, method);
    }
    case -32601:
      return new MethodNotFoundError(code, message, data, method);
    case -32602:
      return new InvalidParamsError(code, message, data, method);
    case -32603:
      return new InternalRpcError(code, message, data, method);
    case MethodNotAllowedError.CODE:
      return new MethodNotAllowedError(code, message, data, method);
  }
  if (code <= -32000 && code >= -32099) {
    if (text.includes('retry limit') || text.includes('too many failed attempts')) {
      return new RetryLimitExceededError(code, message, data, method);
    }
    if (code === -32001 || text.includes('overloaded')) return new ServerBusyError(code, message, data, method);
  }
  return new JsonRpcError(code, message, data, method);
}

/** True for errors worth retrying: the server was busy and did nothing. */
export function isRetryableError(e: unknown): boolean {
  return ServerBusyError.is(e) && !RetryLimitExceededError.is(e);
}
