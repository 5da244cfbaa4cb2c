/**
 * PrincipalHub on its own: fake tabs and a fake upstream around the real frame policy. One
 * upstream handshake answers every tab's `initialize`; client ids are rewritten and mapped back;
 * notifications reach every initialized tab as they came; a server request goes to every tab and
 * the first valid answer is forwarded once; pending requests reach a tab that comes later; a
 * resume of a running turn replays its text so far; the hub outlives its last tab by its grace
 * period. The same through real sockets: gateway.spec.ts (stand-in upstream), principals-e2e.spec.ts.
 */
import { CloseCode } from '../../lib/transport/close-codes.js';
import { createHubPolicy, type HubPolicy } from '../../lib/gateway/hub-policy.js';
import type { GatewayPolicyOptions } from '../../lib/gateway/policy.js';
import { HubErrorCode, MAX_IN_FLIGHT, PrincipalHub, type HubCounters, type HubLimits } from '../../lib/gateway/principal-hub.js';
import type { Tab } from '../../lib/gateway/tab.js';
import type { Upstream, UpstreamEvents } from '../../lib/gateway/upstream.js';
import { RUNNING_TURN_FRAMES } from './support.js';

const LIMITS: HubLimits = { maxConnectionsPerPrincipal: 4, maxLoadedThreadsPerPrincipal: 8, maxMessagesPerSecond: 10_000, principalGraceMs: 1000, replayBytes: 1 << 20 };
const INIT_RESULT = { userAgent: 'codex_cli_rs/0.171.0', platformFamily: 'unix' };
const INITIALIZE = { method: 'initialize', params: { clientInfo: { name: 'spec', title: 'spec', version: '0' } } };
const APPROVAL = (id: number | string) => JSON.stringify({ id, method: 'item/commandExecution/requestApproval', params: { threadId: 't', turnId: 'u', itemId: 'i', command: 'ls' } });

/** A tab as the hub sees it: what it was sent (as given) and how it was closed. */
class FakeTab {
  initialized = false;
  readonly raw: Array<string | Buffer> = [];
  closedWith?: { code: number; reason?: string };
  constructor(readonly id: number) {}
  send(data: string | Buffer): void {
    this.raw.push(data);
  }
  close(code: number, reason?: string): Promise<void> {
    this.closedWith = { code, reason };
    return Promise.resolve();
  }
  /** Everything received, parsed. */
  get received(): any[] {
    return this.raw.map((r) => JSON.parse(r.toString()));
  }
}

/** An upstream as the hub sees it: what the hub sent, and a way to play the app-server. */
class FakeUpstream implements Upstream {
  readonly sent: string[] = [];
  paused = false;
  closes = 0;
  events!: UpstreamEvents;
  closeUpstream: Promise<void> = Promise.resolve();
  send(text: string): void {
    this.sent.push(text);
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(): Promise<void> {
    this.closes++;
    return this.closeUpstream;
  }
  /** The app-server sends `frame` (an object is serialised). */
  reply(frame: object | string | Buffer): void {
    this.events.message(typeof frame === 'object' && !Buffer.isBuffer(frame) ? JSON.stringify(frame) : frame);
  }
  /** What the hub forwarded after its own handshake (initialize, initialized), parsed. */
  forwarded(): any[] {
    return this.sent.map((s) => JSON.parse(s)).filter((m) => !(m.id === 0 && m.method === 'initialize') && m.method !== 'initialized');
  }
}

const asTab = (t: FakeTab) => t as unknown as Tab;

function harness(policy: GatewayPolicyOptions = { allowEscalation: true }, limits: Partial<HubLimits> = {}, wrap: (p: HubPolicy) => HubPolicy = (p) => p) {
  const logs: string[] = [];
  const ended: PrincipalHub[] = [];
  const counters: HubCounters = { denied: 0, forwarded: 0, delivered: 0, limited: 0, declined: 0 };
  const hub = new PrincipalHub({ id: 'u1' }, wrap(createHubPolicy(policy)), { ...LIMITS, ...limits }, counters, { log: (line) => logs.push(line), onEnd: (h) => ended.push(h) });
  const up = new FakeUpstream();
  hub.start((events) => {
    up.events = events;
    return up;
  });
  let nextId = 1;
  const tab = () => {
    const t = new FakeTab(nextId++);
    expect(hub.add(asTab(t))).toBe(true);
    return t;
  };
  const send = (t: FakeTab, message: object | string) => hub.fromTab(asTab(t), Buffer.from(typeof message === 'string' ? message : JSON.stringify(message)), false);
  /** A tab whose initialize was answered (the upstream's handshake must be done). */
  const ready = () => {
    const t = tab();
    send(t, { id: 'init', ...INITIALIZE });
    expect(t.initialized).toBe(true);
    return t;
  };
  const initUpstream = () => up.reply({ id: 0, result: INIT_RESULT });
  return { hub, up, logs, ended, counters, tab, send, ready, initUpstream };
}

describe('PrincipalHub', () => {
  describe('handshake', () => {
    it('does the upstream handshake once and answers every tab\'s initialize from it, under the tab\'s own id', () => {
      const { up, tab, send, initUpstream } = harness();
      expect(up.sent.map((s) => JSON.parse(s))).toEqual([{ id: 0, method: 'initialize', params: { clientInfo: { name: 'codex-rx-gateway', title: 'codex-rx gateway', version: '1' }, capabilities: { experimentalApi: true } } }]);
      const a = tab();
      const b = tab();
      send(a, { id: 1, ...INITIALIZE });
      send(b, { id: 'b-init', ...INITIALIZE });
      expect(a.raw).toEqual([]); // waits for the upstream's answer
      initUpstream();
      expect(a.received).toEqual([{ id: 1, result: INIT_RESULT }]);
      expect(b.received).toEqual([{ id: 'b-init', result: INIT_RESULT }]);
      expect([a.initialized, b.initialized]).toEqual([true, true]);
      // A tab after the handshake is answered from the cache: nothing more goes upstream.
      const c = tab();
      send(c, { id: 9, ...INITIALIZE });
      expect(c.received).toEqual([{ id: 9, result: INIT_RESULT }]);
      send(c, { method: 'initialized' }); // swallowed: the hub sent its own once
      expect(up.sent.map((s) => JSON.parse(s).method)).toEqual(['initialize', 'initialized']);
    });

    it('refuses a request before initialize and a second initialize (-32600), forwarding neither', () => {
      const { up, tab, send, initUpstream } = harness();
      initUpstream();
      const a = tab();
      send(a, { id: 1, method: 'model/list', params: {} });
      send(a, { id: 2, ...INITIALIZE });
      send(a, { id: 3, ...INITIALIZE });
      expect(a.received).toEqual([
        { id: 1, error: { code: HubErrorCode.NOT_INITIALIZED, message: 'Not initialized' } },
        { id: 2, result: INIT_RESULT },
        { id: 3, error: { code: HubErrorCode.NOT_INITIALIZED, message: 'Already initialized' } },
      ]);
      expect(up.forwarded()).toEqual([]);
    });

    it('answers every waiting tab with the upstream\'s initialize error; a tab that left before is not answered', () => {
      const { up, tab, send, hub } = harness();
      const a = tab();
      const gone = tab();
      send(a, { id: 1, ...INITIALIZE });
      send(gone, { id: 1, ...INITIALIZE });
      hub.remove(asTab(gone));
      const error = { code: -32603, message: 'no auth' };
      up.reply({ id: 0, error });
      expect(a.received).toEqual([{ id: 1, error }]);
      expect(a.initialized).toBe(false);
      expect(gone.raw).toEqual([]);
      expect(up.sent.map((s) => JSON.parse(s).method)).toEqual(['initialize']); // no initialized after a failed handshake
      const later = tab();
      send(later, { id: 5, ...INITIALIZE });
      expect(later.received).toEqual([{ id: 5, error }]);
    });
  });

  describe('client requests', () => {
    it('rewrites ids to its own, so two tabs may use the same id, and maps each answer back to the tab that asked', () => {
      const { up, ready, send, initUpstream, counters } = harness();
      initUpstream();
      const a = ready();
      const b = ready();
      send(a, { id: 1, method: 'model/list', params: {} });
      send(b, { id: 1, method: 'account/read', params: {} });
      send(a, { id: 'x', method: 'account/read', params: {} });
      const [fa, fb, fx] = up.forwarded();
      expect([fa.method, fb.method, fx.method]).toEqual(['model/list', 'account/read', 'account/read']);
      expect(new Set([fa.id, fb.id, fx.id]).size).toBe(3);
      // Answered out of order, any key order, as string or bytes: only the id is replaced.
      up.reply(Buffer.from(`{"result":{"id":"inner"},"id":${fx.id}}`));
      up.reply(`{ "id" : ${fb.id}, "result" : {"account":null} }`);
      up.reply({ id: fa.id, result: { data: [] } });
      expect(a.raw.slice(1).map(String)).toEqual(['{"result":{"id":"inner"},"id":"x"}', '{"id":1,"result":{"data":[]}}']);
      expect(b.raw.slice(1).map(String)).toEqual(['{ "id" : 1, "result" : {"account":null} }']);
      expect(counters.forwarded).toBe(3);
      expect(counters.delivered).toBe(3);
    });

    it('drops an answer to no request of its own (unknown or repeated id, a string id)', () => {
      const { up, ready, send, initUpstream } = harness();
      initUpstream();
      const a = ready();
      send(a, { id: 1, method: 'model/list', params: {} });
      const [f] = up.forwarded();
      up.reply({ id: f.id, result: { data: [] } });
      up.reply({ id: f.id, result: { data: ['again'] } });
      up.reply({ id: 999, result: {} });
      up.reply({ id: String(f.id), result: {} });
      expect(a.received.slice(1)).toEqual([{ id: 1, result: { data: [] } }]);
    });

    it('answers a refused frame with its error, closes a tab for a frame that is not JSON-RPC or binary', () => {
      const { up, ready, send, hub, initUpstream, counters, logs } = harness({ allowedMethods: ['initialize', 'initialized', 'model/list'] });
      initUpstream();
      const a = ready();
      send(a, { id: 7, method: 'thread/start', params: {} });
      expect(a.received.at(-1)).toMatchObject({ id: 7, error: { data: { method: 'thread/start' } } });
      expect(a.closedWith).toBeUndefined();
      send(a, '{nope');
      expect(a.closedWith?.code).toBe(CloseCode.BAD_REQUEST);
      const b = ready();
      hub.fromTab(asTab(b), Buffer.from('{"id":1,"method":"model/list"}'), true);
      expect(b.closedWith).toEqual({ code: CloseCode.BAD_REQUEST, reason: 'binary frames are not JSON-RPC' });
      expect(up.forwarded()).toEqual([]);
      expect(counters.denied).toBe(2);
      expect(logs.some((l) => l.startsWith('principal u1: connection 1: refused: '))).toBe(true);
    });

    it("forwards a notification the policy passed as the policy rebuilt it, never the tab's text; the tab's initialized is swallowed", () => {
      // The default policy passes no notification but `initialized`; a policy that passes another one:
      const { up, ready, send, initUpstream } = harness({}, {}, (p) => ({
        ...p,
        admitClientFrame: (text, principal) => {
          if (!text.includes('"x/note"')) return p.admitClientFrame(text, principal);
          return text.includes('params') ? { kind: 'notification', method: 'x/note', params: { checked: true } } : { kind: 'notification', method: 'x/note' };
        },
      }));
      initUpstream();
      const a = ready();
      send(a, '{ "method" : "initialized" }');
      send(a, '{"method":"x/note","params":{"checked":false,"extra":1}}');
      send(a, '{"method":"x/note"}');
      expect(up.sent.slice(2)).toEqual(['{"method":"x/note","params":{"checked":true}}', '{"method":"x/note"}']);
    });

    it(`bounds the requests waiting for the app-server at MAX_IN_FLIGHT (${MAX_IN_FLIGHT})`, () => {
      const { up, ready, send, initUpstream, counters } = harness();
      initUpstream();
      const a = ready();
      for (let i = 0; i < MAX_IN_FLIGHT; i++) send(a, { id: i, method: 'thread/loaded/list', params: {} });
      send(a, { id: 'one-more', method: 'model/list', params: {} });
      expect(a.received.at(-1)).toMatchObject({ id: 'one-more', error: { code: HubErrorCode.TOO_MANY_IN_FLIGHT } });
      expect(up.forwarded()).toHaveLength(MAX_IN_FLIGHT);
      expect(counters.limited).toBe(1);
      // One answered makes room for one more.
      up.reply({ id: up.forwarded()[0].id, result: { data: [] } });
      send(a, { id: 'now', method: 'model/list', params: {} });
      expect(up.forwarded()).toHaveLength(MAX_IN_FLIGHT + 1);
    });

    it('closes the tab past maxMessagesPerSecond (all the principal\'s tabs count) with 4429', () => {
      const { ready, send, initUpstream, counters, tab } = harness({}, { maxMessagesPerSecond: 5 });
      initUpstream();
      const a = ready(); // 1 message
      const b = tab();
      for (let i = 0; i < 4; i++) send(a, { method: 'initialized' });
      expect(a.closedWith).toBeUndefined();
      send(b, { method: 'initialized' });
      expect(b.closedWith?.code).toBe(CloseCode.TOO_MANY_MESSAGES);
      expect(counters.limited).toBe(1);
    });

    it('answers thread/unsubscribe itself: the shared upstream stays subscribed', () => {
      const { up, ready, send, initUpstream } = harness();
      initUpstream();
      const a = ready();
      send(a, { id: 1, method: 'thread/start', params: {} });
      up.reply({ id: up.forwarded()[0].id, result: { thread: { id: 'th-1' } } });
      send(a, { id: 2, method: 'thread/unsubscribe', params: { threadId: 'th-1' } });
      send(a, { id: 3, method: 'thread/unsubscribe', params: { threadId: 'nope' } });
      expect(a.received.slice(-2)).toEqual([
        { id: 2, result: { status: 'unsubscribed' } },
        { id: 3, result: { status: 'notLoaded' } },
      ]);
      expect(up.forwarded().map((m) => m.method)).toEqual(['thread/start']);
    });

    it('counts loaded threads against maxLoadedThreadsPerPrincipal (a resume of a loaded one is free; thread/closed frees one)', () => {
      const { up, ready, send, initUpstream } = harness({}, { maxLoadedThreadsPerPrincipal: 2 });
      initUpstream();
      const a = ready();
      const answerLast = (result: unknown) => up.reply({ id: up.forwarded().at(-1).id, result });
      send(a, { id: 1, method: 'thread/start', params: {} });
      send(a, { id: 2, method: 'thread/start', params: {} }); // in flight: counted already
      send(a, { id: 3, method: 'thread/start', params: {} });
      expect(a.received.at(-1)).toEqual({ id: 3, error: { code: HubErrorCode.TOO_MANY_THREADS, message: 'this user already has 2 threads loaded', data: { limit: 'maxLoadedThreadsPerPrincipal' } } });
      up.reply({ id: up.forwarded()[0].id, result: { thread: { id: 'th-1' } } });
      up.reply({ id: up.forwarded()[1].id, result: { thread: { id: 'th-2' } } });
      send(a, { id: 4, method: 'thread/resume', params: { threadId: 'th-1' } });
      answerLast({ thread: { id: 'th-1', turns: [] } });
      expect(a.received.at(-1)).toEqual({ id: 4, result: { thread: { id: 'th-1', turns: [] } } });
      send(a, { id: 5, method: 'thread/fork', params: { threadId: 'th-1' } });
      expect(a.received.at(-1)).toMatchObject({ id: 5, error: { code: HubErrorCode.TOO_MANY_THREADS } });
      up.reply({ method: 'thread/closed', params: { threadId: 'th-2' } });
      send(a, { id: 6, method: 'thread/fork', params: { threadId: 'th-1' } });
      expect(up.forwarded().at(-1).method).toBe('thread/fork');
      // A failed load frees its place too.
      up.reply({ id: up.forwarded().at(-1).id, error: { code: -32600, message: 'no such thread' } });
      expect(a.received.at(-1)).toEqual({ id: 6, error: { code: -32600, message: 'no such thread' } });
      send(a, { id: 7, method: 'thread/start', params: {} });
      expect(up.forwarded().at(-1).method).toBe('thread/start');
    });
  });

  describe('server → tabs', () => {
    it('relays a notification to every initialized tab as it came (the same string or bytes); an uninitialized tab gets nothing', () => {
      const { up, ready, tab, initUpstream, counters } = harness();
      initUpstream();
      const a = ready();
      const b = ready();
      const late = tab();
      const text = '{ "method" : "x/y", "params" : { "s" : "\\u00e9\\n", "n": 2.50 } }';
      const bytes = Buffer.from('{"params":{},"method":"z"}');
      up.reply(text);
      up.reply(bytes);
      for (const t of [a, b]) {
        expect(t.raw[1]).toBe(text);
        expect(t.raw[2]).toBe(bytes);
      }
      expect(late.raw).toEqual([]);
      expect(counters.delivered).toBe(4);
    });

    it('drops a frame that is not a JSON-RPC message, with a log line', () => {
      const { up, ready, initUpstream, logs } = harness();
      initUpstream();
      const a = ready();
      up.reply('not json at all');
      expect(a.raw).toHaveLength(1);
      expect(logs).toContain('principal u1: the app-server sent a frame that is not a JSON-RPC message; dropped');
    });

    it('sends a server request to every tab and forwards the first valid answer once: invalid, forged and late answers are refused', () => {
      const { up, ready, tab, send, initUpstream, counters, logs } = harness();
      initUpstream();
      const a = ready();
      const b = ready();
      const uninitialized = tab();
      up.reply(APPROVAL(5));
      expect(a.raw.at(-1)).toBe(APPROVAL(5));
      expect(b.raw.at(-1)).toBe(APPROVAL(5));
      send(uninitialized, { id: 5, result: { decision: 'accept' } }); // not initialized: never forwarded
      send(b, { id: 5, result: { decision: 'acceptForSession' } }); // not an allowed decision: refused, still pending
      send(a, { id: 6, result: { decision: 'accept' } }); // forged: nothing pending under that id
      expect(up.forwarded()).toEqual([]);
      send(a, { id: 5, result: { decision: 'accept' } });
      send(b, { id: 5, result: { decision: 'decline' } }); // too late
      expect(up.forwarded()).toEqual([{ id: 5, result: { decision: 'accept' } }]);
      expect(counters.denied).toBe(4);
      expect(logs.filter((l) => l.includes('which is not pending'))).toHaveLength(3);
      expect(logs.filter((l) => l.includes('refused an answer to item/commandExecution/requestApproval'))).toHaveLength(1);
    });

    it('sends pending server requests to a tab when its initialize is answered; a copy sent again (resume) is dropped, before and after its answer', () => {
      const { up, ready, send, hub, initUpstream } = harness();
      initUpstream();
      const a = ready();
      up.reply(APPROVAL(3));
      up.reply(APPROVAL('s-4'));
      send(a, { id: 3, result: { decision: 'decline' } });
      hub.remove(asTab(a));
      up.reply(APPROVAL('s-4')); // the app-server sends a pending request again on thread/resume
      const b = ready();
      expect(b.raw.slice(1)).toEqual([APPROVAL('s-4')]);
      send(b, { id: 's-4', result: { decision: 'accept' } });
      up.reply(APPROVAL('s-4')); // sent before the app-server read the answer
      expect(b.raw.slice(1)).toEqual([APPROVAL('s-4')]);
      expect(up.forwarded()).toEqual([
        { id: 3, result: { decision: 'decline' } },
        { id: 's-4', result: { decision: 'accept' } },
      ]);
    });

    it('forgets a server request the app-server resolved itself (serverRequest/resolved, any key order); its id may come again', () => {
      const { up, ready, send, hub, initUpstream } = harness();
      initUpstream();
      const a = ready();
      up.reply(APPROVAL(8));
      up.reply(APPROVAL(9));
      expect(hub.busy).toBe(true);
      up.reply({ method: 'serverRequest/resolved', params: { threadId: 't', requestId: 8 } });
      up.reply('{"params":{"threadId":"t","requestId":9},"method":"serverRequest/resolved"}');
      expect(hub.busy).toBe(false);
      const b = ready();
      expect(b.raw).toHaveLength(1); // only its initialize answer
      send(a, { id: 8, result: { decision: 'accept' } });
      expect(up.forwarded()).toEqual([]);
      up.reply(APPROVAL(8));
      expect(b.raw.at(-1)).toBe(APPROVAL(8));
    });

    it('answers by itself a request the page may not grant (allowEscalation off); no tab sees it', () => {
      const { up, ready, initUpstream, counters, logs } = harness({});
      initUpstream();
      const a = ready();
      up.reply(APPROVAL(11));
      expect(a.raw).toHaveLength(1);
      expect(up.forwarded()).toEqual([{ id: 11, result: { decision: 'decline' } }]);
      expect(counters.declined).toBe(1);
      expect(logs).toContain('principal u1: answered item/commandExecution/requestApproval itself (asks to run a command outside the sandbox)');
      up.reply(APPROVAL(11)); // sent again on a resume: answered already
      expect(up.forwarded()).toHaveLength(1);
    });

    it("replays a running turn's unfinished items to the tab whose thread/resume shows the turn inProgress", () => {
      const { up, ready, send, hub, initUpstream } = harness();
      initUpstream();
      const a = ready();
      const frames = RUNNING_TURN_FRAMES;
      for (const f of frames) up.reply(f);
      expect(hub.busy).toBe(true); // a turn runs
      hub.remove(asTab(a));
      const b = ready();
      send(b, { id: 'r', method: 'thread/resume', params: { threadId: 'th' } });
      const thread = { id: 'th', turns: [{ id: 'turn-1', status: 'inProgress', items: [{ type: 'userMessage', id: 'item-user' }] }] };
      up.reply({ id: up.forwarded().at(-1).id, result: { thread } });
      expect(b.raw.slice(1)).toEqual([JSON.stringify({ id: 'r', result: { thread } }), frames[2], frames[3], frames[5]]);
      up.reply('{"params":{"threadId":"th","turn":{"id":"turn-1","status":"completed"}},"method":"turn/completed"}');
      expect(hub.busy).toBe(false);
    });

    it('replays nothing for a turn that is not inProgress, nor on thread/start', () => {
      const { up, ready, send, initUpstream } = harness();
      initUpstream();
      const a = ready();
      up.reply('{"method":"item/agentMessage/delta","params":{"threadId":"th","turnId":"turn-1","itemId":"m","delta":"x"}}');
      send(a, { id: 'r', method: 'thread/resume', params: { threadId: 'th' } });
      up.reply({ id: up.forwarded().at(-1).id, result: { thread: { id: 'th', turns: [{ id: 'turn-1', status: 'completed', items: [] }] } } });
      send(a, { id: 's', method: 'thread/start', params: {} });
      up.reply({ id: up.forwarded().at(-1).id, result: { thread: { id: 'th-2', turns: [{ id: 'turn-1', status: 'inProgress', items: [] }] } } });
      expect(a.received.slice(2).map((m) => m.id)).toEqual(['r', 's']);
    });
  });

  describe('tabs and lifetime', () => {
    afterEach(() => jest.useRealTimers());

    it('takes at most maxConnectionsPerPrincipal tabs, and none once ended', async () => {
      const { hub } = harness({}, { maxConnectionsPerPrincipal: 2 });
      expect(hub.add(asTab(new FakeTab(1)))).toBe(true);
      expect(hub.add(asTab(new FakeTab(2)))).toBe(true);
      expect(hub.add(asTab(new FakeTab(3)))).toBe(false);
      expect(hub.tabCount).toBe(2);
      await hub.close();
      expect(hub.add(asTab(new FakeTab(4)))).toBe(false);
    });

    it('outlives its last tab by principalGraceMs: a tab in time keeps it, then it ends with the upstream', () => {
      jest.useFakeTimers();
      const { hub, up, tab, ended, logs } = harness({}, { principalGraceMs: 1000 });
      const a = tab();
      hub.remove(asTab(a));
      expect(logs).toContain('principal u1: last tab left; the app-server stays for 1000 ms');
      jest.advanceTimersByTime(999);
      const b = tab(); // a reload within the grace period
      jest.advanceTimersByTime(5000);
      expect(hub.running).toBe(true);
      hub.remove(asTab(b));
      hub.remove(asTab(b)); // twice: no second timer
      jest.advanceTimersByTime(999);
      expect(hub.running).toBe(true);
      expect(up.closes).toBe(0);
      jest.advanceTimersByTime(1);
      expect(hub.running).toBe(false);
      expect(up.closes).toBe(1);
      expect(ended).toEqual([hub]);
      expect(logs).toContain('principal u1: grace period over');
    });

    it('close(): every tab closed with the code, the upstream closed; resolves once both are done; nothing is handled after', async () => {
      const { hub, up, ready, send, initUpstream, ended } = harness();
      initUpstream();
      const a = ready();
      let upstreamClosed!: () => void;
      up.closeUpstream = new Promise((resolve) => (upstreamClosed = resolve));
      let done = false;
      const closing = hub.close().then(() => (done = true));
      expect(a.closedWith).toEqual({ code: CloseCode.GOING_AWAY, reason: undefined });
      expect(hub.tabCount).toBe(0);
      await Promise.resolve();
      expect(done).toBe(false);
      upstreamClosed();
      await closing;
      send(a, { id: 1, method: 'model/list', params: {} });
      up.reply('{"method":"x/y","params":{}}');
      expect(up.forwarded()).toEqual([]);
      expect(a.raw).toHaveLength(1);
      await hub.close(CloseCode.NORMAL); // idempotent
      expect(up.closes).toBe(1);
      expect(ended).toEqual([hub]);
    });

    it('ends with 4502 for every tab when the upstream fails', () => {
      const { hub, up, ready, initUpstream, ended, logs } = harness();
      initUpstream();
      const a = ready();
      const b = ready();
      up.events.failed('the app-server exited with code 1');
      for (const t of [a, b]) expect(t.closedWith).toEqual({ code: CloseCode.UPSTREAM_FAILED, reason: 'the app-server exited with code 1' });
      expect(hub.running).toBe(false);
      expect(ended).toEqual([hub]);
      expect(logs).toContain('principal u1: upstream failed: the app-server exited with code 1');
    });

    it('ends at once when the upstream cannot be opened, logging why (log-safe)', () => {
      const logs: string[] = [];
      const ended: PrincipalHub[] = [];
      const hub = new PrincipalHub({ id: 'u1' }, createHubPolicy({}), LIMITS, { denied: 0, forwarded: 0, delivered: 0, limited: 0, declined: 0 }, { log: (l) => logs.push(l), onEnd: (h) => ended.push(h) });
      hub.start(() => {
        throw new Error('spawn failed\nforged line');
      });
      expect(hub.running).toBe(false);
      expect(ended).toEqual([hub]);
      expect(logs).toEqual(['principal u1: could not start the upstream: spawn failed\\nforged line']);
    });

    it('pauses the upstream while any tab is slow and resumes it when the last one drained or left', () => {
      const { hub, up, tab } = harness();
      const a = tab();
      const b = tab();
      hub.tabSlow(asTab(a), true);
      expect(up.paused).toBe(true);
      hub.tabSlow(asTab(b), true);
      hub.tabSlow(asTab(a), false);
      expect(up.paused).toBe(true);
      hub.remove(asTab(b));
      expect(up.paused).toBe(false);
    });
  });
});
