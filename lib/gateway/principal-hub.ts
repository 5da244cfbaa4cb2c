import { CloseCode } from '../transport/close-codes.js';
import type { ClientAdmission, HubPolicy, JsonRpcId, RpcErrorObject, ServerRequest } from './hub-policy.js';
import { logSafe } from './log-safe.js';
import type { Principal } from './principal.js';
import { ReplayRing } from './replay-ring.js';
import type { Tab } from './tab.js';
import type { Upstream, UpstreamEvents } from './upstream.js';

/** The limits of one principal (resolved). */
export interface HubLimits {
  readonly maxConnectionsPerPrincipal: number;
  readonly maxLoadedThreadsPerPrincipal: number;
  readonly maxMessagesPerSecond: number;
  readonly principalGraceMs: number;
  readonly replayBytes: number;
}

/** Counters a hub updates on the gateway's stats. */
export interface HubCounters {
  denied: number;
  forwarded: number;
  delivered: number;
  limited: number;
  declined: number;
}

/** JSON-RPC error codes the hub answers with itself. */
export const HubErrorCode = {
  /** A request before `initialize`, or a second `initialize` (what the app-server says too). */
  NOT_INITIALIZED: -32600,
  /** The principal already has `maxLoadedThreadsPerPrincipal` threads loaded. */
  TOO_MANY_THREADS: -32002,
  /** The principal has MAX_IN_FLIGHT requests the app-server has not answered (the app-server's own "overloaded" code). */
  TOO_MANY_IN_FLIGHT: -32001,
} as const;

/**
 * Requests of one principal the app-server has not answered yet, at most. A request the
 * app-server drops without an answer would otherwise be remembered forever.
 */
export const MAX_IN_FLIGHT = 1000;

/** Answered server requests remembered until resolved, at most (the oldest forgotten first). */
const MAX_ANSWERED = 1000;

/** Notifications the hub acts on itself (noteNotification), in the order it looks for them. */
const NOTED_METHODS = ['serverRequest/resolved', 'turn/started', 'turn/completed', 'thread/closed'];

/** Methods whose answer names a thread the app-server now holds loaded for this principal. */
const LOADS_THREAD = new Set(['thread/start', 'thread/resume', 'thread/fork']);

/** What the hub remembers of a client request it forwarded. */
interface Forwarded {
  readonly tab: Tab;
  readonly id: JsonRpcId;
  readonly method: string;
  readonly loads: boolean;
  /** Counted in `loading` until answered (a new thread, not one loaded already). */
  readonly counted: boolean;
}

/**
 * One principal's side of the gateway: ONE upstream app-server connection shared by all that
 * principal's tabs. It does the upstream handshake once and answers each tab's `initialize` from
 * it; rewrites client request ids to its own and maps answers back; relays notifications to every
 * tab as they came; sends server requests to every tab and forwards the first valid answer;
 * remembers running turns' notifications to replay them to a tab that resumes the thread; and
 * outlives its last tab by `principalGraceMs`.
 */
export class PrincipalHub {
  private readonly tabs = new Set<Tab>();
  private upstream?: Upstream;
  private upstreamClosed: Promise<void> = Promise.resolve();
  private initResult?: unknown;
  private initError?: RpcErrorObject;
  /** Tabs whose `initialize` waits for the upstream's. */
  private readonly waitingInit: Array<{ tab: Tab; id: JsonRpcId }> = [];
  private nextId = 1;
  private readonly forwarded = new Map<number, Forwarded>();
  /** Server requests not answered yet, by the JSON of their id. */
  private readonly pending = new Map<string, { request: ServerRequest; raw: string | Buffer }>();
  /**
   * Server requests answered (by a tab or the gateway) and not yet resolved: the app-server may
   * send one again on a `thread/resume` before it reads the answer; that copy is dropped.
   */
  private readonly answered = new Set<string>();
  private readonly loadedThreads = new Set<string>();
  /** Turns started and not completed (from `turn/started` / `turn/completed`). */
  private readonly runningTurns = new Set<string>();
  private loading = 0;
  private readonly ring: ReplayRing;
  private readonly slowTabs = new Set<Tab>();
  private windowStart = 0;
  private windowCount = 0;
  private graceTimer?: NodeJS.Timeout;
  private ended = false;
  private readonly done: Promise<void>;
  private resolveDone!: () => void;

  constructor(
    readonly principal: Principal,
    private readonly policy: HubPolicy,
    private readonly limits: HubLimits,
    private readonly counters: HubCounters,
    private readonly options: { readonly log: (line: string) => void; readonly onEnd: (hub: PrincipalHub) => void },
  ) {
    this.ring = new ReplayRing(limits.replayBytes);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
  }

  /** Tabs connected now. */
  get tabCount(): number {
    return this.tabs.size;
  }

  /** True while a turn runs or a server request waits for an answer: ending the hub now would lose work. */
  get busy(): boolean {
    return this.runningTurns.size > 0 || this.pending.size > 0;
  }

  /** True while the hub runs (it ends after its grace period, an upstream failure or `close()`). */
  get running(): boolean {
    return !this.ended;
  }

  /** Starts the upstream and its handshake; a throwing opener ends the hub. */
  start(open: (events: UpstreamEvents) => Upstream): void {
    const events: UpstreamEvents = {
      message: (data) => this.fromServer(data),
      failed: (reason) => {
        this.log(`upstream failed: ${reason}`);
        this.end(CloseCode.UPSTREAM_FAILED, reason);
      },
    };
    try {
      this.upstream = open(events);
    } catch (e) {
      this.log(`could not start the upstream: ${logSafe((e as Error)?.message ?? String(e), 300)}`);
      this.end(CloseCode.UPSTREAM_FAILED, 'could not start the app-server');
      return;
    }
    const clientInfo = { name: 'codex-rx-gateway', title: 'codex-rx gateway', version: '1' };
    this.upstream.send(JSON.stringify({ id: 0, method: 'initialize', params: { clientInfo, capabilities: { experimentalApi: true } } }));
  }

  /** Adds a tab; false (nothing done) when the principal already has its maximum of tabs. */
  add(tab: Tab): boolean {
    if (this.ended || this.tabs.size >= this.limits.maxConnectionsPerPrincipal) return false;
    clearTimeout(this.graceTimer);
    this.graceTimer = undefined;
    this.tabs.add(tab);
    return true;
  }

  /** A tab closed: forget it; after the last one, the grace period starts. */
  remove(tab: Tab): void {
    if (!this.tabs.delete(tab)) return;
    this.tabSlow(tab, false);
    for (let i = this.waitingInit.length - 1; i >= 0; i--) if (this.waitingInit[i].tab === tab) this.waitingInit.splice(i, 1);
    if (this.tabs.size > 0 || this.ended) return;
    this.log(`last tab left; the app-server stays for ${this.limits.principalGraceMs} ms`);
    this.graceTimer = setTimeout(() => {
      this.log('grace period over');
      void this.close(CloseCode.NORMAL);
    }, this.limits.principalGraceMs);
    this.graceTimer.unref();
  }

  /** A slow tab pauses the upstream (only this principal's) until every slow tab drained. */
  tabSlow(tab: Tab, slow: boolean): void {
    const before = this.slowTabs.size;
    if (slow) this.slowTabs.add(tab);
    else this.slowTabs.delete(tab);
    if (before === 0 && this.slowTabs.size > 0) this.upstream?.pause();
    else if (before > 0 && this.slowTabs.size === 0) this.upstream?.resume();
  }

  /** Ends the hub: every tab closed with `code`, the upstream ended; resolves once all are gone. */
  close(code: number = CloseCode.GOING_AWAY, reason?: string): Promise<void> {
    this.end(code, reason);
    return this.done;
  }

  // ── client → server ─────────────────────────────────────────────────────────────────────────

  fromTab(tab: Tab, data: Buffer, isBinary: boolean): void {
    if (this.ended) return;
    const now = Date.now();
    if (now - this.windowStart >= 1000) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    if (++this.windowCount > this.limits.maxMessagesPerSecond) {
      this.counters.limited++;
      void tab.close(CloseCode.TOO_MANY_MESSAGES);
      return;
    }
    if (isBinary) return void tab.close(CloseCode.BAD_REQUEST, 'binary frames are not JSON-RPC');
    const admission = this.policy.admitClientFrame(data.toString('utf8'), this.principal);
    switch (admission.kind) {
      case 'refuse':
      case 'close':
        return this.refuse(tab, admission);
      case 'notification':
        // `initialized` was sent upstream once by the hub; any other notification passes checked.
        if (admission.method === 'initialized') return;
        return this.forward(JSON.stringify(admission.params === undefined ? { method: admission.method } : { method: admission.method, params: admission.params }));
      case 'answer':
        return this.answer(tab, admission);
      case 'request':
        return this.request(tab, admission);
    }
  }

  private refuse(tab: Tab, admission: Extract<ClientAdmission, { kind: 'refuse' | 'close' }>): void {
    this.counters.denied++;
    if (admission.kind === 'close') {
      // The policy's reasons are log-safe already.
      this.log(`connection ${tab.id}: closed for ${admission.reason}`);
      void tab.close(admission.code, admission.reason.slice(0, 100));
      return;
    }
    this.log(`connection ${tab.id}: refused: ${admission.error.message}`);
    if (admission.id !== undefined) tab.send(JSON.stringify({ id: admission.id, error: admission.error }));
  }

  private request(tab: Tab, r: Extract<ClientAdmission, { kind: 'request' }>): void {
    if (r.method === 'initialize') return this.initializeTab(tab, r.id);
    if (!tab.initialized) return this.error(tab, r.id, { code: HubErrorCode.NOT_INITIALIZED, message: 'Not initialized' });
    if (r.method === 'thread/unsubscribe') {
      // The shared connection stays subscribed: other tabs and the replay ring still follow the thread.
      const threadId = r.params?.threadId;
      return tab.send(JSON.stringify({ id: r.id, result: { status: typeof threadId === 'string' && this.loadedThreads.has(threadId) ? 'unsubscribed' : 'notLoaded' } }));
    }
    if (this.forwarded.size >= MAX_IN_FLIGHT) {
      this.counters.limited++;
      return this.error(tab, r.id, { code: HubErrorCode.TOO_MANY_IN_FLIGHT, message: `this user has ${MAX_IN_FLIGHT} requests waiting for the app-server; retry later` });
    }
    const loads = LOADS_THREAD.has(r.method);
    const counted = loads && !(r.method === 'thread/resume' && this.loadedThreads.has(r.params?.threadId as string));
    if (counted) {
      if (this.loadedThreads.size + this.loading >= this.limits.maxLoadedThreadsPerPrincipal) {
        this.counters.limited++;
        this.log(`connection ${tab.id}: refused ${r.method} (maxLoadedThreadsPerPrincipal ${this.limits.maxLoadedThreadsPerPrincipal} reached)`);
        return this.error(tab, r.id, { code: HubErrorCode.TOO_MANY_THREADS, message: `this user already has ${this.limits.maxLoadedThreadsPerPrincipal} threads loaded`, data: { limit: 'maxLoadedThreadsPerPrincipal' } });
      }
      this.loading++;
    }
    const id = this.nextId++;
    this.forwarded.set(id, { tab, id: r.id, method: r.method, loads, counted });
    this.forward(JSON.stringify(r.params === undefined ? { id, method: r.method } : { id, method: r.method, params: r.params }));
  }

  private initializeTab(tab: Tab, id: JsonRpcId): void {
    if (tab.initialized) return this.error(tab, id, { code: HubErrorCode.NOT_INITIALIZED, message: 'Already initialized' });
    if (this.initResult === undefined && this.initError === undefined) {
      this.waitingInit.push({ tab, id });
      return;
    }
    if (this.initError) return this.error(tab, id, this.initError);
    tab.send(JSON.stringify({ id, result: this.initResult }));
    tab.initialized = true;
    // Approvals still waiting reach every new tab (a reloaded page can answer them).
    for (const { raw } of this.pending.values()) tab.send(raw);
  }

  private answer(tab: Tab, a: Extract<ClientAdmission, { kind: 'answer' }>): void {
    const key = JSON.stringify(a.id);
    const entry = this.pending.get(key);
    if (!entry || !tab.initialized) {
      // An answer to nothing pending (forged, or another tab answered first): never forwarded.
      this.counters.denied++;
      this.log(`connection ${tab.id}: refused an answer to request ${logSafe(key, 40)}, which is not pending`);
      return;
    }
    const checked = this.policy.admitAnswer(a, entry.request);
    if ('refuse' in checked) {
      this.counters.denied++;
      this.log(`connection ${tab.id}: refused an answer to ${entry.request.method} (${logSafe(checked.refuse)})`);
      return;
    }
    this.pending.delete(key);
    this.markAnswered(key);
    this.forward(JSON.stringify({ id: entry.request.id, ...checked }));
  }

  private forward(text: string): void {
    this.counters.forwarded++;
    this.upstream?.send(text);
  }

  private error(tab: Tab, id: JsonRpcId, error: RpcErrorObject): void {
    tab.send(JSON.stringify({ id, error }));
  }

  // ── server → client ─────────────────────────────────────────────────────────────────────────

  private fromServer(data: string | Buffer): void {
    if (this.ended) return;
    let frame;
    try {
      frame = this.policy.classifyServerFrame(data);
    } catch {
      frame = { kind: 'unknown' } as const;
    }
    if (frame.kind === 'unknown') {
      this.log('the app-server sent a frame that is not a JSON-RPC message; dropped');
      return;
    }
    if (frame.kind === 'notification') {
      this.ring.push(data);
      this.noteNotification(data);
      return this.broadcast(data);
    }
    if (frame.kind === 'request') return this.serverRequest(frame.request, data);
    if (frame.id === 0 && this.initResult === undefined && this.initError === undefined) return this.upstreamInitialized(frame.parse());
    if (typeof frame.id !== 'number') return;
    const f = this.forwarded.get(frame.id);
    if (!f) return;
    this.forwarded.delete(frame.id);
    if (f.counted) this.loading--;
    this.counters.delivered++;
    if (!f.loads) {
      // The answer under the tab's own id, spliced in where the classifier found ours: the rest is the app-server's bytes.
      return f.tab.send(withId(data, frame.idAt, f.id));
    }
    const message = frame.parse();
    f.tab.send(JSON.stringify(message.error !== undefined ? { id: f.id, error: message.error } : { id: f.id, result: message.result }));
    if (f.loads && message.error === undefined) this.threadLoaded(f, message.result);
  }

  private upstreamInitialized(message: { result?: unknown; error?: unknown }): void {
    if (message.error !== undefined) this.initError = message.error as RpcErrorObject;
    else {
      this.initResult = message.result;
      this.upstream?.send(JSON.stringify({ method: 'initialized' }));
    }
    for (const { tab, id } of this.waitingInit.splice(0)) this.initializeTab(tab, id);
  }

  /** Counts the thread as loaded; a resume of a running turn gets that turn's notifications so far. */
  private threadLoaded(f: Forwarded, result: unknown): void {
    const thread = (result as { thread?: { id?: unknown; turns?: unknown } } | undefined)?.thread;
    if (typeof thread?.id !== 'string') return;
    this.loadedThreads.add(thread.id);
    if (f.method !== 'thread/resume' || !Array.isArray(thread.turns)) return;
    for (const turn of thread.turns as Array<{ id?: unknown; status?: unknown; items?: Array<{ id?: unknown }> }>) {
      if (turn?.status !== 'inProgress' || typeof turn.id !== 'string') continue;
      const done = new Set((turn.items ?? []).map((item) => item?.id).filter((id): id is string => typeof id === 'string'));
      for (const raw of this.ring.itemsOfTurn(turn.id, done)) f.tab.send(raw);
    }
  }

  private noteNotification(data: string | Buffer): void {
    // Rare methods the hub acts on; a frame is parsed only when it may be one of them. The method
    // is read in place when it leads the frame, else looked for in it.
    const method = leadingMethod(data) ?? NOTED_METHODS.find((name) => data.includes(`"${name}"`));
    switch (method) {
      case 'serverRequest/resolved': {
        const m = parse(data) as { method?: unknown; params?: { requestId?: unknown } };
        if (m?.method === 'serverRequest/resolved' && m.params && (typeof m.params.requestId === 'number' || typeof m.params.requestId === 'string')) {
          const key = JSON.stringify(m.params.requestId);
          this.pending.delete(key);
          this.answered.delete(key);
        }
        return;
      }
      case 'turn/started':
      case 'turn/completed': {
        const m = parse(data) as { method?: unknown; params?: { turn?: { id?: unknown } } };
        const id = m?.params?.turn?.id;
        if (typeof id !== 'string') return;
        if (m.method === 'turn/started') this.runningTurns.add(id);
        else if (m.method === 'turn/completed') this.runningTurns.delete(id);
        return;
      }
      case 'thread/closed': {
        const m = parse(data) as { method?: unknown; params?: { threadId?: unknown } };
        if (m?.method === 'thread/closed' && typeof m.params?.threadId === 'string') this.loadedThreads.delete(m.params.threadId);
        return;
      }
    }
  }

  private serverRequest(request: ServerRequest, raw: string | Buffer): void {
    const key = JSON.stringify(request.id);
    // Sent again on thread/resume (same id): every tab has it already, or it was answered.
    if (this.pending.has(key) || this.answered.has(key)) return;
    const why = this.policy.answeredByGateway(request);
    if (why !== undefined) {
      this.counters.declined++;
      this.log(`answered ${logSafe(request.method)} itself (${logSafe(why)})`);
      this.markAnswered(key);
      this.forward(JSON.stringify({ id: request.id, ...this.policy.safeAnswerFor(request) }));
      return;
    }
    this.pending.set(key, { request, raw });
    this.broadcast(raw);
  }

  private markAnswered(key: string): void {
    this.answered.add(key);
    // Bounded: an app-server that never resolves cannot grow it without end.
    if (this.answered.size > MAX_ANSWERED) this.answered.delete(this.answered.values().next().value as string);
  }

  private broadcast(data: string | Buffer): void {
    for (const tab of this.tabs) {
      if (!tab.initialized) continue;
      this.counters.delivered++;
      tab.send(data);
    }
  }

  private end(code: number, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.graceTimer);
    const tabsClosed = [...this.tabs].map((tab) => tab.close(code, reason));
    this.tabs.clear();
    const upstream = this.upstream;
    this.upstream = undefined;
    if (upstream) this.upstreamClosed = upstream.close();
    this.options.onEnd(this);
    void Promise.all([...tabsClosed, this.upstreamClosed]).then(() => this.resolveDone());
  }

  private log(line: string): void {
    this.options.log(`principal ${logSafe(this.principal.id, 60)}: ${line}`);
  }
}

/** `data` with the id text at `[start, end)` (string or byte offsets) replaced by `clientId`. */
function withId(data: string | Buffer, [start, end]: readonly [number, number], clientId: JsonRpcId): string | Buffer {
  const id = JSON.stringify(clientId);
  if (typeof data === 'string') return data.slice(0, start) + id + data.slice(end);
  return Buffer.concat([data.subarray(0, start), Buffer.from(id), data.subarray(end)]);
}

const METHOD_FIRST = '{"method":"';
const METHOD_FIRST_BYTES = Buffer.from(METHOD_FIRST);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * The method of a notification written with `method` as its first key (the app-server's own
 * form), read in place; undefined for any other form (the caller then scans the frame).
 */
function leadingMethod(data: string | Buffer): string | undefined {
  if (typeof data === 'string') {
    if (!data.startsWith(METHOD_FIRST)) return undefined;
    const end = data.indexOf('"', METHOD_FIRST.length);
    const method = end < 0 ? undefined : data.slice(METHOD_FIRST.length, end);
    return method === undefined || method.includes('\\') ? undefined : method;
  }
  if (data.length <= METHOD_FIRST.length) return undefined;
  for (let i = 0; i < METHOD_FIRST.length; i++) if (data[i] !== METHOD_FIRST_BYTES[i]) return undefined;
  for (let i = METHOD_FIRST.length; i < data.length && i < 200; i++) {
    if (data[i] === BACKSLASH) return undefined;
    if (data[i] === QUOTE) return data.toString('latin1', METHOD_FIRST.length, i);
  }
  return undefined;
}

function parse(data: string | Buffer): unknown {
  try {
    return JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch {
    return undefined;
  }
}
