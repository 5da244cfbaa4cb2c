import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { ValidationError, type ValidationIssue } from '../errors.js';
import { CloseCode } from '../transport/close-codes.js';
import { mayCarryToken, parseAppServerUrl } from '../transport/websocket-url.js';
import { redactSecrets } from '../secret-redaction.js';
import { createHubPolicy } from './hub-policy.js';
import { logSafe } from './log-safe.js';
import type { GatewayPolicyOptions } from './policy.js';
import { principalOf, type AuthenticateResult, type Principal } from './principal.js';
import { openDataRoot, principalHome, principalUpstream, type DataRoot } from './principal-home.js';
import { PrincipalHub } from './principal-hub.js';
import { openStdioUpstream } from './stdio-upstream.js';
import { killProcessesNaming } from './stray-processes.js';
import { Tab } from './tab.js';
import { SUBPROTOCOL, tokenOf } from './token.js';
import { isWebSocketUpstream, type UpstreamConfig, type UpstreamEvents } from './upstream.js';
import { openWebSocketUpstream } from './ws-upstream.js';

/**
 * Options of {@link createCodexGateway}; the policy's (`allowedMethods`, `models`,
 * `allowedDecisions`, `allowEscalation`, `maxStringBytes`) are documented on GatewayPolicyOptions.
 */
export interface CodexGatewayOptions
  extends Pick<GatewayPolicyOptions, 'allowedMethods' | 'models' | 'allowedDecisions' | 'allowEscalation' | 'maxStringBytes'> {
  /**
   * Origins allowed to connect, exactly as browsers send them (`https://app.example.com`), or a
   * function deciding. Required; there is no wildcard. Requests without an Origin (non-browser
   * clients) are let through to `authenticate`.
   */
  readonly allowedOrigins: readonly string[] | ((origin: string) => boolean);
  /**
   * Who `token` belongs to (may be async): a principal `{ id: string, … }`, or undefined/null/false
   * to refuse. Anything else (true, a string, no id) is refused too, with a log line. A browser
   * (a request with an Origin) is refused by an accepted upgrade closed with 4401 (4403 for a
   * foreign Origin), a Node client by HTTP 401/403. The token comes from `Authorization: Bearer`
   * or the `codex-rx.bearer.<base64url>` subprotocol.
   */
  readonly authenticate: (request: IncomingMessage, token: string) => AuthenticateResult | Promise<AuthenticateResult>;
  /**
   * Where each principal's app-server is: a stdio config (default `{}`: its own `codex app-server`
   * under `dataRoot`), `{ url, token }` of a listening app-server, or a function of the request
   * and principal returning either (called once per principal, when its app-server starts).
   */
  readonly upstream?: UpstreamConfig | ((request: IncomingMessage, principal: Principal) => UpstreamConfig | Promise<UpstreamConfig>);
  /** Directory holding one directory per principal (home, workspace, tmp; 0700). Default: a private temp dir, removed by `close()`. */
  readonly dataRoot?: string;
  /** How long a principal's app-server outlives its last tab (default 5 min), so a reload keeps a running turn. */
  readonly principalGraceMs?: number;
  /** Live client connections at most, all principals together (default 100); more are closed with 4503. */
  readonly maxConnections?: number;
  /** App-servers (principals) at most (default 20). A new principal then takes the place of one whose tabs all left, else gets 4503. */
  readonly maxAppServers?: number;
  /** Client connections of one principal at most (default 8); more are closed with 4503. */
  readonly maxConnectionsPerPrincipal?: number;
  /** Threads one principal may hold loaded (default 16); more `thread/start|resume|fork` get a JSON-RPC error. */
  readonly maxLoadedThreadsPerPrincipal?: number;
  /** Largest client frame in bytes (default 4 MiB); a larger one closes the connection with 1009. */
  readonly maxFrameBytes?: number;
  /** Client messages per second per principal, all its tabs together (default 100); the tab that sends more is closed with 4429. */
  readonly maxMessagesPerSecond?: number;
  /** Close a connection after this long without a message either way (default 15 min; 0 = never) with 4408. */
  readonly idleTimeoutMs?: number;
  /** Bytes queued towards a slow client before reading from its principal's app-server pauses (default 16 MiB). */
  readonly maxBufferedBytes?: number;
  /** Bytes of recent notifications kept per principal to replay a running turn to a resuming tab (default 8 MiB). */
  readonly replayBytes?: number;
  /**
   * How long `authenticate` and an `upstream` function together may take (default 10 s); past
   * it the upgrade is refused and whatever they resolve later is ignored.
   */
  readonly authenticateTimeoutMs?: number;
  /** Receives one line per notable event (refusals, closes, upstream failures). Never a token; client text escaped and cut. */
  readonly log?: (line: string) => void;
}

/** Counters of a gateway, as of now. */
export interface CodexGatewayStats {
  /** Client connections open now. */
  readonly connections: number;
  /** Upstreams (one per principal: app-server processes or upstream sockets) running now. */
  readonly upstreams: number;
  /** Principals with a running hub now (same as `upstreams`). */
  readonly principals: number;
  /** Connections accepted so far. */
  readonly accepted: number;
  /** Upgrades refused (origin, token, shutdown). */
  readonly rejected: number;
  /** Client messages refused by the policy. */
  readonly denied: number;
  /** Client→server messages forwarded. */
  readonly forwarded: number;
  /** Server→client messages delivered. */
  readonly delivered: number;
  /** Connections or requests refused by a limit (flood, idle, too many connections or threads). */
  readonly limited: number;
  /** Server requests the gateway declined by itself (escalations). */
  readonly declined: number;
}

/** A running gateway. */
export interface CodexGateway {
  /** Handles an HTTP upgrade (call from your server's `'upgrade'` event for the gateway's path). */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Runs the gateway on its own HTTP server; resolves with the address (host default 127.0.0.1). */
  listen(options?: { port?: number; host?: string }): Promise<{ url: string; port: number; host: string }>;
  /** Closes every connection (1001) and ends every app-server; resolves once all are gone. Idempotent. */
  close(): Promise<void>;
  /** Counters, as of now. */
  readonly stats: CodexGatewayStats;
}

const DEFAULTS = {
  maxConnections: 100,
  maxAppServers: 20,
  maxConnectionsPerPrincipal: 8,
  maxLoadedThreadsPerPrincipal: 16,
  maxStringBytes: 64 * 1024,
  maxFrameBytes: 4 * 1024 * 1024,
  maxMessagesPerSecond: 100,
  idleTimeoutMs: 15 * 60 * 1000,
  maxBufferedBytes: 16 * 1024 * 1024,
  replayBytes: 8 * 1024 * 1024,
  principalGraceMs: 5 * 60 * 1000,
  authenticateTimeoutMs: 10_000,
};

/** Keys whose value may be 0. */
const ZERO_OK = new Set<keyof typeof DEFAULTS>(['idleTimeoutMs', 'principalGraceMs', 'replayBytes']);

/**
 * A WebSocket gateway that lets browsers (and other less-trusted clients) talk to `codex
 * app-server` under a policy: allowed origins, a token that names a principal, checked frames,
 * one app-server per principal, limits.
 *
 * @example
 * const gateway = createCodexGateway({
 *   allowedOrigins: ['https://app.example.com'],
 *   authenticate: async (_req, token) => { const user = await users.byToken(token); return user && { id: user.id }; },
 * });
 * server.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
 */
export function createCodexGateway(options: CodexGatewayOptions): CodexGateway {
  checkOptions(options);
  const limits = { ...DEFAULTS, ...definedOf(options) };
  const originAllowed = originCheck(options.allowedOrigins);
  const { allowedMethods, models, allowedDecisions, allowEscalation, maxStringBytes } = options;
  const policy = createHubPolicy({ allowedMethods, models, allowedDecisions, allowEscalation, maxStringBytes });
  const secrets = new Set<string>();
  const redact = (text: string) => redactSecrets(text, secrets);
  const log = (line: string) => options.log?.(redact(`codex-rx/gateway: ${line}`));
  const counters = { connections: 0, accepted: 0, rejected: 0, denied: 0, forwarded: 0, delivered: 0, limited: 0, declined: 0 };
  const hubs = new Map<string, PrincipalHub>();
  const tabs = new Set<Tab>();
  let dataRoot: DataRoot | undefined;
  let nextTabId = 1;
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

  /** Refuses an upgrade: a browser (Origin) gets an accepted socket closed with `closeCode` and `why`; others the HTTP status. */
  const refuse = (request: IncomingMessage, socket: Duplex, head: Buffer, status: number, closeCode: number, why: string) => {
    counters.rejected++;
    log(`refused an upgrade (${status}/${closeCode}: ${why})`);
    if (request.headers.origin !== undefined && !socket.destroyed && status !== 503) {
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.close(closeCode, why.slice(0, 120));
        const cut = setTimeout(() => ws.terminate(), 1000);
        cut.unref();
        ws.once('close', () => clearTimeout(cut));
      });
      return;
    }
    if (socket.writable) socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    socket.destroy();
  };

  const resolveUpstream = async (request: IncomingMessage, principal: Principal): Promise<UpstreamConfig> => {
    const u = typeof options.upstream === 'function' ? await options.upstream(request, principal) : (options.upstream ?? {});
    checkUpstream(u);
    if (isWebSocketUpstream(u) && u.token) secrets.add(u.token);
    if (!isWebSocketUpstream(u)) for (const s of u.secrets ?? []) secrets.add(s);
    return u;
  };

  /** Tabs of one principal that arrive together share one call of the `upstream` function. */
  const resolving = new Map<string, Promise<UpstreamConfig>>();
  const upstreamOnce = (request: IncomingMessage, principal: Principal): Promise<UpstreamConfig> => {
    let pending = resolving.get(principal.id);
    if (!pending) {
      pending = resolveUpstream(request, principal);
      resolving.set(principal.id, pending);
      const forget = () => resolving.get(principal.id) === pending && resolving.delete(principal.id);
      pending.then(forget, forget);
    }
    return pending;
  };

  /**
   * Makes room for one more app-server: ends the oldest hub without tabs and with no running turn
   * or waiting server request (a reload must not lose a turn); false when there is none.
   */
  const roomForHub = (): boolean => {
    if (hubs.size < limits.maxAppServers) return true;
    for (const hub of hubs.values()) {
      if (hub.tabCount > 0 || hub.busy) continue;
      log(`principal ${logSafe(hub.principal.id, 60)}: its app-server ends early to make room (maxAppServers ${limits.maxAppServers})`);
      hubs.delete(hub.principal.id);
      void hub.close(CloseCode.NORMAL);
      return true;
    }
    return false;
  };

  const startHub = (principal: Principal, upstream: UpstreamConfig): PrincipalHub => {
    const hub: PrincipalHub = new PrincipalHub(principal, policy, limits, counters, {
      log,
      onEnd: (ended) => {
        if (hubs.get(ended.principal.id) === ended) hubs.delete(ended.principal.id);
      },
    });
    hubs.set(principal.id, hub);
    hub.start((events: UpstreamEvents) => {
      if (isWebSocketUpstream(upstream)) return openWebSocketUpstream(upstream, events);
      dataRoot ??= openDataRoot(options.dataRoot);
      const home = principalHome(dataRoot.dir, principal.id);
      const config = principalUpstream(upstream, home);
      const tail: string[] = [];
      const failed = (reason: string) => {
        if (tail.length) log(`principal ${logSafe(principal.id, 60)}: app-server stderr (tail): ${tail.join('').slice(-2000)}`);
        events.failed(reason);
      };
      const opened = openStdioUpstream(
        config,
        { message: events.message, failed },
        (text) => {
          // Kept short and only for the log line of a failure; never sent to the client.
          tail.push(text);
          if (tail.length > 20) tail.shift();
        },
        { cleanEnv: true },
      );
      // Once the app-server is gone, so are the sandbox helpers it left behind.
      const sweep = () => {
        const strays = killProcessesNaming(home.dir);
        if (strays.length) log(`principal ${logSafe(principal.id, 60)}: killed ${strays.length} process(es) its app-server left behind`);
      };
      return { ...opened, close: () => opened.close().finally(sweep) };
    });
    return hub;
  };

  const upgrade = async (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (closing) return refuse(request, socket, head, 503, CloseCode.GOING_AWAY, 'the gateway is closing');
    const origin = request.headers.origin;
    if (origin !== undefined && !originAllowed(origin)) return refuse(request, socket, head, 403, CloseCode.FORBIDDEN, `origin ${logSafe(origin, 100)} is not allowed`);
    const token = tokenOf(request);
    if (token === undefined) return refuse(request, socket, head, 401, CloseCode.UNAUTHORIZED, 'no token');
    let principal: Principal;
    let upstream: UpstreamConfig | undefined;
    try {
      const admitted = await withDeadline(
        (async () => {
          const p = principalOf(await options.authenticate(request, token));
          if (typeof p === 'string') return p;
          // The upstream is resolved once per principal, when its app-server starts.
          return { principal: p, upstream: hubs.get(p.id)?.running ? undefined : await upstreamOnce(request, p) };
        })(),
        limits.authenticateTimeoutMs,
      );
      if (admitted === 'timeout') return refuse(request, socket, head, 503, CloseCode.INTERNAL_ERROR, `authenticate or upstream did not answer within ${limits.authenticateTimeoutMs} ms`);
      if (admitted === 'refused') return refuse(request, socket, head, 401, CloseCode.UNAUTHORIZED, 'token not accepted');
      if (admitted === 'invalid') {
        log('authenticate returned something that is not a principal ({ id: string } or undefined to refuse)');
        return refuse(request, socket, head, 500, CloseCode.UNAUTHORIZED, 'authenticate returned no principal');
      }
      ({ principal, upstream } = admitted);
    } catch (e) {
      // The app's error text may quote the token it refused: mask it.
      const text = redactSecrets(String((e as Error)?.message ?? e), [token]);
      log(`authenticate or upstream failed: ${logSafe(text, 300)}`);
      return refuse(request, socket, head, 500, CloseCode.INTERNAL_ERROR, 'authenticate or upstream threw');
    }
    if (closing) return refuse(request, socket, head, 503, CloseCode.GOING_AWAY, 'the gateway is closing');
    if (socket.destroyed) return;
    wss.handleUpgrade(request, socket, head, (ws) => {
      const tabId = nextTabId++;
      let hub: PrincipalHub | undefined;
      const tab = new Tab(tabId, ws, limits, {
        message: (t, data, isBinary) => hub?.fromTab(t, data, isBinary),
        slow: (t, slow) => hub?.tabSlow(t, slow),
        closed: (t) => {
          if (tabs.delete(t)) counters.connections--;
          hub?.remove(t);
        },
      }, log);
      tabs.add(tab);
      counters.connections++;
      const shut = (code: number, reason: string) => {
        counters.limited++;
        log(`connection ${tabId}: ${reason}`);
        void tab.close(code, reason);
      };
      if (closing) return void tab.close(CloseCode.GOING_AWAY);
      if (counters.connections > limits.maxConnections) return shut(CloseCode.TOO_MANY_CONNECTIONS, `the gateway serves ${limits.maxConnections} connections already`);
      let found = hubs.get(principal.id);
      if (!found?.running) {
        if (!roomForHub()) return shut(CloseCode.TOO_MANY_CONNECTIONS, `the gateway runs ${limits.maxAppServers} app-servers already`);
        found = startHub(principal, upstream ?? { });
      }
      if (!found.add(tab)) return shut(CloseCode.TOO_MANY_CONNECTIONS, `this user has ${limits.maxConnectionsPerPrincipal} connections already`);
      hub = found;
      counters.accepted++;
    });
  };

  const gateway: CodexGateway = {
    handleUpgrade(request, socket, head) {
      upgrade(request, socket, head).catch((e) => {
        log(`upgrade failed: ${logSafe((e as Error)?.message ?? String(e), 300)}`);
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
        await Promise.all([...[...tabs].map((tab) => tab.close(CloseCode.GOING_AWAY)), ...[...hubs.values()].map((hub) => hub.close(CloseCode.GOING_AWAY))]);
        wss.close();
        dataRoot?.dispose();
        log('closed');
      })();
      return closing;
    },

    get stats(): CodexGatewayStats {
      const { connections, accepted, rejected, denied, forwarded, delivered, limited, declined } = counters;
      return { connections, upstreams: hubs.size, principals: hubs.size, accepted, rejected, denied, forwarded, delivered, limited, declined };
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
  if (typeof o.authenticate !== 'function') issues.push({ path: 'authenticate', message: 'is required: (request, token) => { id: string } | undefined (or a Promise of it)' });
  if (o.dataRoot !== undefined && (typeof o.dataRoot !== 'string' || o.dataRoot === '')) issues.push({ path: 'dataRoot', message: 'must be a directory path' });
  for (const k of ['models', 'allowedDecisions'] as const) {
    const v = o[k];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) issues.push({ path: k, message: 'must be a list of strings' });
  }
  for (const k of Object.keys(DEFAULTS) as (keyof typeof DEFAULTS)[]) {
    const v = o[k];
    const zeroOk = ZERO_OK.has(k);
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
