/**
 * codex.fileSearch() as a typeahead over the in-memory app-server. The queries marble feeds the
 * operator; script letters deliver sessionUpdated (u: "app", m: "main", s: a stale "app" result
 * after "main" was asked) and sessionCompleted (c), or answer sessionStart (o). Sent letters:
 * S = sessionStart, U = sessionUpdate, X = sessionStop.
 */
import { TransportClosedError, ValidationError } from '../../lib/errors.js';
import type { FuzzyFileSearchResult } from '../../lib/protocol/generated/FuzzyFileSearchResult.js';
import type { FileSearchSnapshot } from '../../lib/streams/fuzzy-file-search.js';
import { anError, expectIdle } from '../support/expectations';
import { eachStreamBench } from './support.js';

const SID = 's-1';
const ROOT = '/work';
const SENT = { S: 'fuzzyFileSearch/sessionStart', U: 'fuzzyFileSearch/sessionUpdate', X: 'fuzzyFileSearch/sessionStop' };
const file = (path: string): FuzzyFileSearchResult => ({ root: ROOT, path, match_type: 'file', file_name: path.split('/').pop()!, score: 100, indices: [0, 1] });
const updated = (query: string, files: FuzzyFileSearchResult[], sessionId = SID) => ({ method: 'fuzzyFileSearch/sessionUpdated', params: { sessionId, query, files } });
const APP = [file('src/app.ts')];
const MAIN = [file('src/main.ts')];
const n = {
  u: updated('app', APP),
  s: updated('app', APP),
  m: updated('main', MAIN),
  c: { method: 'fuzzyFileSearch/sessionCompleted', params: { sessionId: SID } },
  x: updated('app', APP, 's-2'),
};
const v: Record<string, FileSearchSnapshot> = {
  u: { query: 'app', files: APP, done: false },
  U: { query: 'app', files: APP, done: true },
  m: { query: 'main', files: MAIN, done: false },
  M: { query: 'main', files: MAIN, done: true },
  e: { query: '', files: [], done: true },
};

describe('codex.fileSearch() (marbles)', () => {
  const b = eachStreamBench(() => {
    b.transport.onRequest('fuzzyFileSearch/sessionUpdate', () => ({}));
    b.transport.onRequest('fuzzyFileSearch/sessionStop', () => ({}));
  });
  const open = () => b.server.respondTo('fuzzyFileSearch/sessionStart', {});

  it('opens a session, updates it per query, drops stale results, completes after the last query is done', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const queries = cold('     a------m---|', { a: 'app', m: 'main' });
      b.serve(hot, '        -o-xu-c-s-m-c', { ...n, o: open });
      expectObservable(b.sent$(SENT)).toBe('SU-----U----X', SENT);
      expectObservable(queries.pipe(b.codex.fileSearch([ROOT], { sessionId: SID }))).toBe('----u-U---m-(M|)', v);
    });
    expect(b.server.paramsOf('fuzzyFileSearch/sessionStart')).toEqual([{ sessionId: SID, roots: [ROOT] }]);
    expect(b.server.paramsOf('fuzzyFileSearch/sessionUpdate')).toEqual([
      { sessionId: SID, query: 'app' },
      { sessionId: SID, query: 'main' },
    ]);
    expect(b.server.paramsOf('fuzzyFileSearch/sessionStop')).toEqual([{ sessionId: SID }]);
    expectIdle(b.codex);
  });

  it('stops the session exactly once when unsubscribed; nothing after completion', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const queries = cold('a', { a: 'app' });
      b.serve(hot, '        ou', { ...n, o: open });
      const sub = '         ^---!';
      expectObservable(b.sent$(SENT)).toBe('(SU)X', SENT);
      expectObservable(queries.pipe(b.codex.fileSearch([ROOT], { sessionId: SID })), sub).toBe('-u', v);
    });
    expect(b.server.paramsOf('fuzzyFileSearch/sessionStop')).toEqual([{ sessionId: SID }]);
  });

  it('a completion reported before the first results applies to them, and ends the stream once the queries ended', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const queries = cold('a--|', { a: 'app' });
      b.serve(hot, '        -o-c-u', { ...n, o: open });
      expectObservable(b.sent$(SENT)).toBe('SU---X', SENT);
      expectObservable(queries.pipe(b.codex.fileSearch([ROOT], { sessionId: SID }))).toBe('-----(U|)', v);
    });
    expect(b.server.paramsOf('fuzzyFileSearch/sessionStop')).toEqual([{ sessionId: SID }]);
  });

  it('emits a refinement the server sends after reporting the query complete (done stays true)', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const queries = cold('a', { a: 'app' });
      b.serve(hot, '        o-e-c-u', { ...n, o: open, e: updated('app', []) });
      expectObservable(queries.pipe(b.codex.fileSearch([ROOT], { sessionId: SID }))).toBe('--e-E-U', {
        ...v,
        e: { query: 'app', files: [], done: false },
        E: { query: 'app', files: [], done: true },
      });
    });
  });

  it('answers an empty query locally with no files', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      const queries = cold('-e|', { e: '' });
      b.serve(hot, '        o', { o: open });
      expectObservable(b.sent$(SENT)).toBe('S-X', SENT);
      expectObservable(queries.pipe(b.codex.fileSearch([ROOT], { sessionId: SID }))).toBe('-e|', v);
    });
    expect(b.server.paramsOf('fuzzyFileSearch/sessionUpdate')).toEqual([]);
  });

  it('errors with TransportClosedError when the app-server dies', () => {
    b.scheduler.run(({ hot, cold, expectObservable }) => {
      b.serve(hot, '  ou-K', { ...n, o: open, K: () => b.transport.fail() });
      expectObservable(cold('a', { a: 'app' }).pipe(b.codex.fileSearch([ROOT], { sessionId: SID }))).toBe('-u-#', v, anError(TransportClosedError));
    });
    expect(b.server.paramsOf('fuzzyFileSearch/sessionStop')).toEqual([]);
  });

  it('reports a failed sessionStop on warnings$', () => {
    b.transport.onRequest('fuzzyFileSearch/sessionStart', () => ({}));
    b.transport.onRequest('fuzzyFileSearch/sessionStop', () => {
      throw { code: -32600, message: 'fuzzy file search session not found' };
    });
    b.scheduler.run(({ cold }) => {
      cold('a', { a: 'app' }).pipe(b.codex.fileSearch([ROOT])).subscribe().unsubscribe();
    });
    expect(b.warnings).toEqual([expect.objectContaining({ kind: 'teardown-failed' })]);
  });

  it('fails with ValidationError on bad roots or queries', () => {
    const errors: unknown[] = [];
    b.scheduler.run(({ cold }) => {
      cold('a', { a: 'x' }).pipe(b.codex.fileSearch([])).subscribe({ error: (e) => errors.push(e) });
    });
    expect(b.transport.sent).toEqual([]);
    b.transport.onRequest('fuzzyFileSearch/sessionStart', () => ({}));
    b.scheduler.run(({ cold }) => {
      cold('a', { a: 42 as never }).pipe(b.codex.fileSearch([ROOT])).subscribe({ error: (e) => errors.push(e) });
    });
    expect(errors).toEqual([anError(ValidationError), anError(ValidationError)]);
  });

  it('refuses a sessionId that is not a non-empty string, before anything is sent', () => {
    const errors: unknown[] = [];
    b.scheduler.run(({ cold }) => {
      cold('a', { a: 'x' }).pipe(b.codex.fileSearch([ROOT], { sessionId: '' })).subscribe({ error: (e) => errors.push(e) });
    });
    expect(errors).toEqual([anError(ValidationError, { subject: 'fileSearch options', issues: [{ path: 'sessionId', message: 'must be a non-empty string' }] })]);
    expect(b.transport.sent).toEqual([]);
  });
});
