/**
 * codex.threadSearch() over the in-memory app-server. Script letters: p/q deliver
 * thread/search/partial of our request, x of another request, f answers thread/search/stream
 * (the final page). Sent letters: Q = thread/search/stream, C = thread/search/stream/cancel.
 */
import { TransportClosedError, ValidationError } from '../../lib/errors.js';
import type { ThreadSearchResult } from '../../lib/protocol/generated/v2/ThreadSearchResult.js';
import { MAX_PARTIAL_SEARCH_ROWS, type ThreadSearchUpdate } from '../../lib/streams/thread-search.js';
import { threadInfo } from '../../lib/testing/index.js';
import { anError, expectIdle } from '../support/expectations.js';
import { eachStreamBench } from './support.js';

const SENT = { Q: 'thread/search/stream', C: 'thread/search/stream/cancel' };
const row = (id: string): ThreadSearchResult => ({ thread: threadInfo({ id: id }), snippet: `…${id}…` });

describe('codex.threadSearch() (marbles)', () => {
  const b = eachStreamBench(() => b.transport.onRequest('thread/search/stream/cancel', () => ({})));
  /** The id of the client's (only) thread/search/stream request. */
  const requestId = () => b.server.requests('thread/search/stream')[0]!.id!;
  const partial = (rows: ThreadSearchResult[], id?: string | number) => () =>
    b.server.emit({ method: 'thread/search/partial', params: { requestId: id ?? requestId(), data: rows } });
  const final = (rows: ThreadSearchResult[]) => () => b.server.respondTo('thread/search/stream', { data: rows, nextCursor: 'next', backwardsCursor: null });

  const v: Record<string, ThreadSearchUpdate> = {
    p: { final: false, results: [row('t1')], nextCursor: null, backwardsCursor: null },
    q: { final: false, results: [row('t1'), row('t2')], nextCursor: null, backwardsCursor: null },
    f: { final: true, results: [row('t2'), row('t1')], nextCursor: 'next', backwardsCursor: null },
  };

  it('is cold; accumulates partial rows of its request, then emits the final page and completes', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const search$ = b.codex.threadSearch('pineapple', { limit: 10 });
      b.serve(hot, '  --p-x-q-f', { p: partial([row('t1')]), x: partial([row('t9')], 'other'), q: partial([row('t2')]), f: final([row('t2'), row('t1')]) });
      const sub = '   -^';
      expectObservable(b.sent$(SENT)).toBe('-Q', SENT);
      expectObservable(search$, sub).toBe('--p---q-(f|)', v);
    });
    expect(b.server.paramsOf('thread/search/stream')).toEqual([{ limit: 10, searchTerm: 'pineapple' }]);
    expectIdle(b.codex);
  });

  it('cancels by request id exactly once when unsubscribed before the final page; the late answer is no warning', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -p---e', { p: partial([row('t1')]), e: () => b.server.failTo('thread/search/stream', -32603, 'search interrupted') });
      const sub = '   ^--!';
      expectObservable(b.sent$(SENT)).toBe('Q--C', SENT);
      expectObservable(b.codex.threadSearch('pineapple'), sub).toBe('-p-', v);
    });
    expect(b.server.paramsOf('thread/search/stream/cancel')).toEqual([{ requestId: requestId() }]);
    expect(b.warnings).toEqual([]);
  });

  it('sends nothing when unsubscribed after the final page', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -f', { f: final([row('t2'), row('t1')]) });
      const sub = '   ^---!';
      expectObservable(b.sent$(SENT)).toBe('Q', SENT);
      expectObservable(b.codex.threadSearch('pineapple'), sub).toBe('-(f|)', v);
    });
  });

  it('keeps at most MAX_PARTIAL_SEARCH_ROWS provisional rows', () => {
    const seen: ThreadSearchUpdate[] = [];
    b.codex.threadSearch('x').subscribe({ next: (u) => seen.push(u), error: () => undefined });
    const many = Array.from({ length: MAX_PARTIAL_SEARCH_ROWS + 5 }, (_, i) => row(`t${i}`));
    partial(many)();
    partial([row('late')])();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.results).toHaveLength(MAX_PARTIAL_SEARCH_ROWS);
  });

  it('errors with TransportClosedError when the app-server dies', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -p-K', { p: partial([row('t1')]), K: () => b.transport.fail() });
      expectObservable(b.codex.threadSearch('pineapple')).toBe('-p-#', v, anError(TransportClosedError));
    });
    expect(b.server.paramsOf('thread/search/stream/cancel')).toEqual([]);
  });

  it('reports a failed cancel on warnings$', () => {
    b.transport.onRequest('thread/search/stream/cancel', () => {
      throw { code: -32603, message: 'boom' };
    });
    b.codex.threadSearch('x').subscribe().unsubscribe();
    expect(b.warnings).toEqual([expect.objectContaining({ kind: 'teardown-failed' })]);
  });

  it('fails with ValidationError on an empty term, before anything is sent', () => {
    const errors: unknown[] = [];
    b.codex.threadSearch('  ').subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(ValidationError)]);
    expect(b.transport.sent).toEqual([]);
  });
});
