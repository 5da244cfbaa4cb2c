/**
 * The live states (lib/streams/live-states.ts: thread.status$, name$, tokenUsage$, codex.rateLimits$,
 * mcpServerStatus$, remoteControlStatus$) over the in-memory app-server: each a read, then the
 * notifications that change it. Script letters deliver notifications; r (and p) answer the read.
 * How liveState() itself folds and ends is spec/streams/live-state.marbles.spec.ts.
 */
import type { GetAccountRateLimitsResponse } from '../../lib/protocol/generated/v2/GetAccountRateLimitsResponse.js';
import type { RateLimitSnapshot } from '../../lib/protocol/generated/v2/RateLimitSnapshot.js';
import { mergeRateLimits } from '../../lib/streams/live-states.js';
import type { Thread } from '../../lib/thread.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, threadReadResponse, threadStatusChanged, tokenUsageUpdated } from '../../lib/testing/index.js';
import { openThread } from '../support/hand-server.js';
import { expectIdle } from '../support/expectations.js';
import { usage } from '../support/thread-bench.js';
import { ACTIVE, eachStreamBench, IDLE } from './support.js';


/** A rate-limit snapshot of bucket `codex` with nothing known, then `over`. */
const snapshot = (over: Partial<RateLimitSnapshot>): RateLimitSnapshot => ({
  limitId: 'codex', limitName: null, normalModelSlug: null, primary: null, secondary: null, credits: null,
  individualLimit: null, spendControlReached: null, planType: null, rateLimitReachedType: null, ...over,
});
const window = (usedPercent: number) => ({ usedPercent, windowDurationMins: 300, resetsAt: 1_800_000_000 }) as never;

describe('live states (marbles)', () => {
  let thread: Thread;
  const b = eachStreamBench(() => {
    thread = openThread(b.codex, b.transport);
  });

  it('thread.status$: the read value, then every thread/status/changed of this thread; sends only the read', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  --r-a-x-i', { r: () => b.server.respondTo('thread/read', threadReadResponse()), a: threadStatusChanged(ACTIVE), x: threadStatusChanged(ACTIVE, 'thr-9'), i: threadStatusChanged(IDLE) });
      const sub = '   -^-------!';
      expectObservable(b.sent$({ R: 'thread/read' })).toBe('-R', { R: 'thread/read' });
      expectObservable(thread.status$, sub).toBe('--i-a---i', { i: IDLE, a: ACTIVE });
    });
    expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: false }]);
    expect(b.transport.sent.map((m) => m.method)).toEqual(['thread/read']); // nothing to clean up
    expectIdle(b.codex);
    expect(b.transport.keepingAlive).toBe(false); // unsubscribed: nothing keeps the host process alive
  });

  it('thread.name$: the read name (null when unnamed), then every thread/name/updated', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const renamed = (threadName?: string) => ({ method: 'thread/name/updated', params: threadName === undefined ? { threadId: FAKE_THREAD_ID } : { threadId: FAKE_THREAD_ID, threadName } });
      b.serve(hot, '  r-p-u', { r: () => b.server.respondTo('thread/read', threadReadResponse()), p: renamed('Picnic'), u: renamed() });
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

  it('codex.remoteControlStatus$: the read (sent without params), then each remoteControl/status/changed whole', () => {
    const read = { status: 'disabled', serverName: 'box', installationId: 'inst-1', environmentId: null } as const;
    const changed = { status: 'connected', serverName: 'box', installationId: 'inst-1', environmentId: 'env-1' } as const;
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -r-c', { r: () => b.server.respondTo('remoteControl/status/read', read), c: { method: 'remoteControl/status/changed', params: changed } });
      expectObservable(b.sent$({ R: 'remoteControl/status/read' })).toBe('R', { R: 'remoteControl/status/read' });
      expectObservable(b.codex.remoteControlStatus$).toBe('-r-c', { r: read, c: changed });
    });
    expect(b.transport.sent.filter((m) => m.method === 'remoteControl/status/read')).toEqual([{ id: expect.anything(), method: 'remoteControl/status/read' }]);
  });
});

describe('mergeRateLimits', () => {
  const read = (over: Partial<GetAccountRateLimitsResponse> = {}): GetAccountRateLimitsResponse => ({
    ordinaryUsageAllowed: true, rateLimits: snapshot({ planType: 'plus', primary: window(10) }), rateLimitsByLimitId: null,
    rateLimitResetCredits: null, accountId: null, rateLimitUpsell: null, ...over,
  });

  it('an update of the main bucket: its non-null fields win, null ones keep what was known', () => {
    const merged = mergeRateLimits(read(), snapshot({ secondary: window(5), planType: null }));
    expect(merged.rateLimits).toEqual(snapshot({ planType: 'plus', primary: window(10), secondary: window(5) }));
    expect(merged.rateLimitsByLimitId).toBeNull();
  });

  it('an update without a bucket id, or a main view without one, is the main bucket', () => {
    expect(mergeRateLimits(read(), snapshot({ limitId: null, primary: window(50) })).rateLimits).toMatchObject({ limitId: 'codex', primary: window(50) });
    const unnamed = read({ rateLimits: snapshot({ limitId: null, primary: window(10) }) });
    expect(mergeRateLimits(unnamed, snapshot({ limitId: 'x', primary: window(60) })).rateLimits).toMatchObject({ limitId: 'x', primary: window(60) });
  });

  it('another bucket leaves the main view alone, and merges into (or joins) the buckets by id', () => {
    const byId = { codex: snapshot({ primary: window(10) }), other: snapshot({ limitId: 'other', primary: window(1), planType: 'pro' }) };
    const state = read({ rateLimitsByLimitId: byId });
    const merged = mergeRateLimits(state, snapshot({ limitId: 'other', primary: window(2) }));
    expect(merged.rateLimits).toBe(state.rateLimits);
    expect(merged.rateLimitsByLimitId).toEqual({ codex: byId.codex, other: snapshot({ limitId: 'other', primary: window(2), planType: 'pro' }) });
    const fresh = snapshot({ limitId: 'new', primary: window(3) });
    expect(mergeRateLimits(state, fresh).rateLimitsByLimitId).toEqual({ ...byId, new: fresh });
    expect(state.rateLimitsByLimitId).toEqual(byId); // the known state is not mutated
  });
});
