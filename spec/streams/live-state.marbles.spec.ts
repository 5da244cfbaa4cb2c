/**
 * Live state (liveState() and the states built on it) over the in-memory app-server. Script
 * letters deliver change notifications; r answers the read; K kills the app-server.
 */
import { Observable } from 'rxjs';
import { ProtocolError, TransportClosedError } from '../../lib/errors.js';
import type { GetAccountRateLimitsResponse } from '../../lib/protocol/generated/v2/GetAccountRateLimitsResponse.js';
import type { RateLimitSnapshot } from '../../lib/protocol/generated/v2/RateLimitSnapshot.js';
import { liveState, MAX_CHANGES_BEFORE_READ, stateChange } from '../../lib/streams/live-state.js';
import { mergeRateLimits } from '../../lib/streams/live-states.js';
import type { Thread } from '../../lib/thread.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, threadInfo, tokenUsage, tokenUsageUpdated } from '../../lib/testing/index.js';
import { openThread } from '../support/hand-server.js';
import { anError, expectIdle } from '../support/expectations.js';
import { eachStreamBench, streamBench } from './support.js';

/** Token usage of `total` tokens, 10 of them output. */
const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

const status = (type: 'idle' | 'active') => (type === 'idle' ? { type } : { type, activeFlags: [] });
const statusChanged = (type: 'idle' | 'active', threadId = FAKE_THREAD_ID) => ({ method: 'thread/status/changed', params: { threadId, status: status(type) } });
const readAnswer = (overrides = {}) => ({ thread: threadInfo({ ...overrides, id: FAKE_THREAD_ID }), readState: null });

describe('live state (marbles)', () => {
  let thread: Thread;
  const b = eachStreamBench(() => {
    thread = openThread(b.codex, b.transport);
  });

  it('thread.status$: the read value, then every thread/status/changed of this thread; sends only the read', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  --r-a-x-i', { r: () => b.server.respondTo('thread/read', readAnswer()), a: statusChanged('active'), x: statusChanged('active', 'thr-9'), i: statusChanged('idle') });
      const sub = '   -^-------!';
      expectObservable(b.sent$({ R: 'thread/read' })).toBe('-R', { R: 'thread/read' });
      expectObservable(thread.status$, sub).toBe('--i-a---i', { i: status('idle'), a: status('active') });
    });
    expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: false }]);
    expect(b.transport.sent.map((m) => m.method)).toEqual(['thread/read']); // nothing to clean up
    expectIdle(b.codex);
    expect(b.transport.keepingAlive).toBe(false); // unsubscribed: nothing keeps the host process alive
  });

  it('applies changes that arrive while the read is in flight to the read value', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -a-r-i', { r: () => b.server.respondTo('thread/read', readAnswer()), a: statusChanged('active') });
      expectObservable(thread.status$).toBe('---a', { a: status('active') });
    });
  });

  it('thread.name$: the read name (null when unnamed), then every thread/name/updated', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const renamed = (threadName?: string) => ({ method: 'thread/name/updated', params: threadName === undefined ? { threadId: FAKE_THREAD_ID } : { threadId: FAKE_THREAD_ID, threadName } });
      b.serve(hot, '  r-p-u', { r: () => b.server.respondTo('thread/read', readAnswer()), p: renamed('Picnic'), u: renamed() });
      expectObservable(thread.name$).toBe('n-p-n', { n: null, p: 'Picnic' });
    });
  });

  it('thread.tokenUsage$: null (no read exists), then every thread/tokenUsage/updated of this thread', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -u-x-v', { u: tokenUsageUpdated(usage(100)), x: tokenUsageUpdated(usage(5), { threadId: 'thr-9', turnId: FAKE_TURN_ID }), v: tokenUsageUpdated(usage(250)) });
      expectObservable(thread.tokenUsage$).toBe('nu---v', { n: null, u: usage(100), v: usage(250) });
    });
    expect(b.transport.sent).toEqual([]);
  });

  it('codex.rateLimits$: the read, then sparse updates merged in', () => {
    const snapshot = (over: Partial<RateLimitSnapshot>): RateLimitSnapshot => ({
      limitId: 'codex', limitName: null, normalModelSlug: null, primary: null, secondary: null, credits: null,
      individualLimit: null, spendControlReached: null, planType: null, rateLimitReachedType: null, ...over,
    });
    const window = (usedPercent: number) => ({ usedPercent, windowDurationMins: 300, resetsAt: 1_800_000_000 }) as never;
    const read: GetAccountRateLimitsResponse = {
      ordinaryUsageAllowed: true, rateLimits: snapshot({ planType: 'plus', primary: window(10) }), rateLimitsByLimitId: null,
      rateLimitResetCredits: null, accountId: null, rateLimitUpsell: null,
    };
    const merged = { ...read, rateLimits: snapshot({ planType: 'plus', primary: window(42) }) };
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  r-u', { r: () => b.server.respondTo('account/rateLimits/read', read), u: { method: 'account/rateLimits/updated', params: { rateLimits: snapshot({ primary: window(42) }) } } });
      expectObservable(b.codex.rateLimits$).toBe('r-u', { r: read, u: merged });
    });
    expect(mergeRateLimits(read, snapshot({ limitId: 'other', primary: window(1) })).rateLimits).toEqual(read.rateLimits);
  });

  it('codex.mcpServerStatus$: every listed page, then each startup status by name', () => {
    const server = (name: string) => ({ name, runtimeStatus: null, pluginId: null, httpOrigin: null, serverInfo: null, serverCapabilities: null, toolListMeta: null, tools: {}, toolsError: null, resources: [], resourceTemplates: [], authStatus: 'unsupported' }) as never;
    const startup = { threadId: null, name: 'docs', environmentId: null, status: 'ready', error: null, failureReason: null } as const;
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  rp-u', {
        r: () => b.server.respondTo('mcpServerStatus/list', { data: [server('docs')], nextCursor: 'c2' }),
        p: () => b.server.respondTo('mcpServerStatus/list', { data: [server('git')], nextCursor: null }),
        u: { method: 'mcpServer/startupStatus/updated', params: startup },
      });
      expectObservable(b.codex.mcpServerStatus$).toBe('-s-u', {
        s: { servers: [server('docs'), server('git')], startup: {} },
        u: { servers: [server('docs'), server('git')], startup: { docs: startup } },
      });
    });
    expect(b.server.paramsOf('mcpServerStatus/list')).toEqual([{}, { cursor: 'c2' }]);
  });

  it('errors when the read fails, and with TransportClosedError when the app-server dies or the client closes', async () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  r-a-K', { r: () => b.server.respondTo('thread/read', readAnswer()), a: statusChanged('active'), K: () => b.transport.fail() });
      expectObservable(thread.status$).toBe('i-a-#', { i: status('idle'), a: status('active') }, anError(TransportClosedError));
    });
    const c = streamBench();
    const t = openThread(c.codex, c.transport);
    c.transport.onRequest('thread/read', () => {
      throw { code: -32600, message: 'thread not loaded' };
    });
    const errors: unknown[] = [];
    t.status$.subscribe({ error: (e) => errors.push(e) });
    c.transport.onRequest('thread/read', () => readAnswer());
    t.name$.subscribe({ error: (e) => errors.push(e) });
    await c.codex.close();
    expect(errors).toEqual([expect.objectContaining({ code: -32600 }), anError(TransportClosedError)]);
  });

  it('liveState() bounds the changes held while the read is in flight', () => {
    const errors: unknown[] = [];
    const never = () => new Observable<number>(() => undefined); // a read that is never answered
    liveState<number>(b.connection, never, [stateChange({ method: 'thread/status/changed', apply: (s) => s + 1 })]).subscribe({ error: (e) => errors.push(e) });
    for (let i = 0; i <= MAX_CHANGES_BEFORE_READ; i++) b.server.emit(statusChanged('idle'));
    expect(errors).toEqual([anError(ProtocolError)]);
  });
});
