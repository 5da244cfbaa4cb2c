import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { CloseCode } from '../transport/close-codes.js';
import { mayCarryToken, parseAppServerUrl } from '../transport/websocket-url.js';
import { redactSecrets } from '../secret-redaction.js';
import { compilePolicy, type MethodPolicy } from './policy.js';
import { GatewaySession, type SessionCounters } from './session.js';
import { openStdioUpstream } from './stdio-upstream.js';
import { SUBPROTOCOL, tokenOf } from './token.js';
import { isWebSocketUpstream, type UpstreamConfig, type UpstreamEvents } from './upstream.js';
import { openWebSocketUpstream } from './ws-upstream.js';

/** What `authenticate` may return: false/undefined/null refuses (HTTP 401); anything else is kept as the connection's `auth`. */
export type AuthenticateResult = unknown;

/** Options of {@link createCodexGateway}. */
export interface CodexGatewayOptions {
  /**
   * Origins allowed to connect, exactly as browsers send them (`https://app.example.com`), or a
   * function deciding. Required; there is no wildcard. Requests without an Origin (non-browser
   * clients) are let through to `authenticate`.
   */
  readonly allowedOrigins: readonly string[] | ((origin: string) => boolean);
  /**
   * Decides whether `token` may connect (may be async). Falsy → HTTP 401 and nothing is spawned;
   * anything else is this connection's `auth`, passed to `upstream` and to a policy function.
   * A throw → HTTP 500. The token comes from `Authorization: Bearer` or the
   * `codex-rx.bearer.<base64url>` subprotocol.
   */
  readonly authenticate: (request: IncomingMessage, token: string) => AuthenticateResult | Promise<AuthenticateResult>;
  /**
   * Where each connection goes: a stdio config (default `{}`: one `codex app-server` per
   * connection, from `@openai/codex`), `{ url, token }` of a shared app-server, or a function of
   * the authenticated request returning either (e.g. a per-user `cwd` / `CODEX_HOME`).
   */
  readonly upstream?: UpstreamConfig | ((request: IncomingMessage, auth: unknown) => UpstreamConfig | Promise<UpstreamConfig>);
  /** Client→server methods that pass (default DEFAULT_ALLOWED_METHODS), or a function deciding per call. */
  readonly allowedMethods?: MethodPolicy;
  /** Refuse params that widen what the app-server may touch (RESTRICTED_PARAMS, path inputs); default true. */
  readonly restrictParams?: boolean;
  /** Live connections at most (default 100); more are accepted and closed with 4503. */
  readonly maxConnections?: number;
  /** Largest client frame in bytes (default 4 MiB); a larger one closes the connection with 1009. */
  readonly maxFrameBytes?: number;
  /** Client messages per second per connection (default 100); more close it with 4429. */
  readonly maxMessagesPerSecond?: number;
  /** Close a connection after this long without a message either way (default 15 min; 0 = never) with 4408. */
  readonly idleTimeoutMs?: number;
  /** Bytes queued towards a slow client before reading from its app-server pauses (default 16 MiB). */
  readonly maxBufferedBytes?: number;
  /**
   * How long `authenticate` and an `upstream` function together may take (default 10 s); past
   * it the upgrade is refused with HTTP 503 and whatever they resolve later is ignored.
   */
  readonly authenticateTimeoutMs?: number;
  /** Receives one line per notable event (refusals, closes, upstream failures). Never a token. */
  readonly log?: (line: string) => void;
}

/** Counters of a gateway, as of now. */
export interface CodexGatewayStats {
  /** Client connections open now. */
  readonly connections: number;
  /** Upstreams (app-server processes or upstream sockets) running now. */
  readonly upstreams: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Upgrades refused (origin, token, shutdown). */
  readonly rejected: number;
  /** Client messages refused by the method policy. */
  readonly denied: number;
  /** Client→server messages forwarded. */
  readonly forwarded: number;
  /** Server→client messages delivered. */
  readonly delivered: number;
  /** Connections closed by a limit (flood, idle, too many connections). */
  readonly limited: number;
}

/** A running gateway. */
export interface CodexGateway {
  /** Handles an HTTP upgrade (call from your server's `'upgrade'` event for the gateway's path). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Runs the gateway on its own HTTP server; resolves with the address (host default 127.0.0.1). */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number; host: string }>;
  /** Closes every connection (1001) and ends every upstream; resolves once all are gone. Idempotent. */
  close(): Promise<void>;
  /** Counters, as of now. */
  readonly stats: CodexGatewayStats;
}

const DEFAULTS = {
  maxConnections: 100,
  maxFrameBytes: 4 * 1024 * 1024,
  maxMessagesPerSecond: 100,
  idleTimeoutMs: 15 * 60 * 1000,
  maxBufferedBytes: 16 * 1024 * 1024,
  authenticateTimeoutMs: 10_000,
};

/**
 * A WebSocket gateway that lets browsers (and other less-trusted clients) talk to `codex
 * app-server` under a policy: allowed origins, a token, allowed methods, limits.
 *
 * @example
 * const gateway = createCodexGateway({ allowedOrigins: ['https://app.example.com'], authenticate: (_req, token) => token === process.env.APP_TOKEN });
 * server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
 */
export function createCodexGateway(options: CodexGatewayOptions): CodexGateway {
  checkOptions(options);
  const limits = { ...DEFAULTS, ...definedOf(options) };
  const originAllowed = originCheck(options.allowedOrigins);
  const policy = compilePolicy(options.allowedMethods, options.restrictParams ?? true);
  const secrets = new Set<string>();
  const redact = (text: string) => redactSecrets(text, secrets);
  const log = (line: string) => options.log?.(redact(`codex-rx/gateway: ${line}`));
  const counters: SessionCounters & { accepted: number; rejected: number } = { connections: 0, upstreams: 0, denied: 0, forwarded: 0, delivered: 0, limited: 0, accepted: 0, rejected: 0 };
  const sessions = new Set<GatewaySession>();
  let nextId = 1;
  let closing: Promise<void> | undefined;
  let server: http.Server | undefined;

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: limits.maxFrameBytes,
    perMessageDeflate: false,
    clientTracking: false,
    // Browsers fail a connection whose offered subprotocols get no answer: echo ours.
    handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
  });

  const refuse = (socket: Duplex, status: number, why: string) => {
    counters.rejected++;
    log(`refused an upgrade (${status}: ${why})`);
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  const resolveUpstream = async (request: IncomingMessage, auth: unknown): Promise<UpstreamConfig> => {
    const u = typeof options.upstream === 'function' ? await options.upstream(request, auth) : (options.upstream ?? {});
    checkUpstream(u);
    if (isWebSocketUpstream(u) && u.token) secrets.add(u.token);
    if (!isWebSocketUpstream(u)) for (const s of u.secrets ?? []) secrets.add(s);
    return u;
  };

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (closing) return refuse(socket, 503, 'the gateway is closing');
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) return refuse(socket, 403, `origin ${JSON.stringify(origin.slice(0, 200))} is not allowed`);
    const token = tokenOf(request);
    if (token === undefined) return refuse(socket, 401, 'no token');
    let auth: unknown;
    let upstream: UpstreamConfig;
    try {
      const admitted = await withDeadline(
        (async () => {
          const a = await options.authenticate(request, token);
          return a === false || a === undefined || a === null ? undefined : { auth: a, upstream: await resolveUpstream(request, a) };
        })(),
        limits.authenticateTimeoutMs,
      );
      if (admitted === 'timeout') return refuse(socket, 503, `authenticate or upstream did not answer within ${limits.authenticateTimeoutMs} ms`);
      if (admitted === undefined) return refuse(socket, 401, 'token not accepted');
      ({ auth, upstream } = admitted);
    } catch (e) {
      // The app's error text may quote the token it refused: mask it.
      const text = redactSecrets(String((e as Error)?.message ?? e), [token]);
      log(`authenticate or upstream failed: ${text}`);
      return refuse(socket, 500, 'authenticate or upstream threw');
    }
    if (closing) return refuse(socket, 503, 'the gateway is closing');
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      const full = counters.connections >= limits.maxConnections;
      const session = new GatewaySession(nextId++, ws, auth, policy, limits, counters, log);
      if (closing) return void session.close(CloseCode.GOING_AWAY);
      if (full) {
        counters.limited++;
        return void session.close(CloseCode.TOO_MANY_CONNECTIONS);
      }
      counters.accepted++;
      sessions.add(session);
      void session.finished().then(() => sessions.delete(session));
      session.attach((events: UpstreamEvents) => {
        if (isWebSocketUpstream(upstream)) return openWebSocketUpstream(upstream, events);
        const tail: string[] = [];
        const failed = (reason: string) => {
          if (tail.length) log(`connection ${session.id}: app-server stderr (tail): ${tail.join('').slice(-2000)}`);
          events.failed(reason);
        };
        return openStdioUpstream(upstream, { message: events.message, failed }, (text) => {
          // Kept short and only for the log line of a failure; never sent to the client.
          tail.push(text);
          if (tail.length > 20) tail.shift();
        });
      });
    });
  };

  const gateway: CodexGateway = {
    handleUpgrade(request, socket, head) {
      upgrade(request, socket, head).catch((e) => {
        log(`upgrade failed: ${(e as Error)?.message ?? String(e)}`);
        socket.destroy();
      });
    },

    async listen({ port = 0, host = '127.0.0.1' } = {}) {
      if (server) throw new ValidationError('listen', [{ path: '', message: 'the gateway already listens' }]);
      if (closing) throw new ValidationError('listen', [{ path: '', message: 'the gateway is closed' }]);
      const s = http.createServer((_req, res) => {
        res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
        res.end('WebSocket upgrade required\n');
      });
      server = s;
      s.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen(port, host, () => resolve());
      });
      const address = s.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `ws://${shown}:${address.port}`, port: address.port, host: address.address };
    },

    close() {
      closing ??= (async () => {
        const s = server;
        if (s) {
          s.close();
          s.closeAllConnections();
        }
        await Promise.all([...sessions].map((session) => session.close(CloseCode.GOING_AWAY)));
        wss.close();
        log('closed');
      })();
      return closing;
    },

    get stats(): CodexGatewayStats {
      const { connections, upstreams, accepted, rejected, denied, forwarded, delivered, limited } = counters;
      return { connections, upstreams, accepted, rejected, denied, forwarded, delivered, limited };
    },
  };
  return gateway;
}

function definedOf(options: CodexGatewayOptions): Partial<typeof DEFAULTS> {
  const out: Partial<Record<keyof typeof DEFAULTS, number>> = {};
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) if (options[k] !== undefined) out[k] = options[k];
  return out;
}

function originCheck(allowed: CodexGatewayOptions['allowedOrigins']): (origin: string) => boolean {
  if (typeof allowed === 'function') return (origin) => allowed(origin) === true;
  const set = new Set(allowed.map((o) => o.toLowerCase()));
  return (origin) => set.has(origin.toLowerCase());
}

function checkOptions(options: CodexGatewayOptions): void {
  const issues: ValidationIssue[] = [];
  const o = (options ?? {}) as Partial<CodexGatewayOptions>;
  const origins = o.allowedOrigins;
  if (typeof origins !== 'function') {
    if (!Array.isArray(origins) || origins.length === 0) issues.push({ path: 'allowedOrigins', message: 'is required: a non-empty list of origins or a function' });
    else
      origins.forEach((origin, i) => {
        if (typeof origin !== 'string' || origin.includes('*')) issues.push({ path: `allowedOrigins[${i}]`, message: 'must be an exact origin (no wildcards)' });
      });
  }
  if (typeof o.authenticate !== 'function') issues.push({ path: 'authenticate', message: 'is required: (request, token) => boolean | object | Promise' });
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = o[k];
    const zeroOk = k === 'idleTimeoutMs';
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!zeroOk && v === 0))) issues.push({ path: k, message: zeroOk ? 'must be a number ≥ 0' : 'must be a positive number' });
  }
  const m = o.allowedMethods;
  if (m !== undefined && typeof m !== 'function' && !(Array.isArray(m) && m.every((x) => typeof x === 'string'))) issues.push({ path: 'allowedMethods', message: 'must be a list of method names or a function' });
  if (o.upstream !== undefined && typeof o.upstream !== 'function') {
    try {
      checkUpstream(o.upstream);
    } catch (e) {
      issues.push(...(e as ValidationError).issues);
    }
  }
  if (issues.length) throw new ValidationError('createCodexGateway', issues);
}

/** A shared upstream must be ws(s)://, and a token never travels over plain ws:// beyond loopback. */
function checkUpstream(u: UpstreamConfig): void {
  if (u === null || typeof u !== 'object') throw new ValidationError('upstream', [{ path: 'upstream', message: 'must be a stdio config or { url, token }' }]);
  if (!isWebSocketUpstream(u)) return;
  let url: URL;
  try {
    url = new URL(u.url);
  } catch {
    throw new ValidationError('upstream', [{ path: 'upstream.url', message: 'is not a URL' }]);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new ValidationError('upstream', [{ path: 'upstream.url', message: 'must be ws:// or wss://' }]);
  if (u.token && !mayCarryToken(parseAppServerUrl(u.url))) {
    throw new ValidationError('upstream', [{ path: 'upstream.url', message: 'a token is only sent over wss:// or to a loopback host' }]);
  }
}

/** The promise's value, or 'timeout' once `ms` passed first (its later outcome is ignored). */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T | 'timeout'> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  promise.catch(() => undefined); // a rejection after the deadline is nobody's to handle
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
