import { Observable, type OperatorFunction } from 'rxjs';
import { ValidationError } from '../errors.js';
import type { FuzzyFileSearchResult } from '../protocol/generated/FuzzyFileSearchResult.js';
import { givenOrClientId, notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** What the file search shows for the latest query. */
export interface FileSearchSnapshot {
  /** The query these files match (always the latest one the source emitted). */
  readonly query: string;
  /** Matches, best first, as the server ranked them. */
  readonly files: readonly FuzzyFileSearchResult[];
  /** True once the server reported this query's search complete (`sessionCompleted`); later refinements keep it true. */
  readonly done: boolean;
}

/** Options of `codex.fileSearch()`. */
export interface FileSearchOptions {
  /** The connection-scoped session id (default: a fresh one). */
  readonly sessionId?: string;
}

/**
 * Fuzzy file search as a typeahead operator: pipe an Observable of queries through it and get
 * the matches of the latest query. Subscribing opens a session over `roots`
 * (`fuzzyFileSearch/sessionStart`); each query updates it (`sessionUpdate`); results of older
 * queries are dropped. When the queries complete, the stream completes once the last query's
 * search is done; unsubscribing earlier stops the session (`sessionStop`, once). An empty query
 * is answered locally with no files.
 *
 * @example input$.pipe(debounceTime(100), codex.fileSearch([root])).subscribe(render);
 */
export function fuzzyFileSearch(host: StreamHost, roots: readonly string[], options: FileSearchOptions = {}): OperatorFunction<string, FileSearchSnapshot> {
  return (queries) =>
    new Observable<FileSearchSnapshot>((subscriber) => {
      if (!Array.isArray(roots) || roots.length === 0 || roots.some((r) => typeof r !== 'string' || r === '')) {
        subscriber.error(new ValidationError('fileSearch', [{ path: 'roots', message: 'must be a non-empty array of directory paths' }]));
        return;
      }
      // A bad id throws here: the Observable delivers it as this subscriber's error, before anything is sent.
      const sessionId = givenOrClientId(options?.sessionId, 'file-search', 'fileSearch options', 'sessionId');
      let session: 'starting' | 'open' | 'stopped' = 'starting';
      let stopWhenOpen = false;
      let sent = false;
      let current: string | undefined; // the latest query
      let pending: string | undefined; // a query waiting for the session to open
      let updatedFor: string | undefined; // the query of the latest sessionUpdated
      let files: readonly FuzzyFileSearchResult[] = [];
      let done = false;
      // The server may report a query complete before its first results (its index still being
      // walked); that completion then applies to the results that follow.
      let completedEarly = false;
      let queriesEnded = false;

      const stop = () => {
        if (session === 'starting' && !sent) {
          session = 'stopped';
          return start.unsubscribe(); // never sent: no session to stop
        }
        if (session === 'starting') stopWhenOpen = true;
        if (session !== 'open') return;
        session = 'stopped';
        sendTeardown(host, 'fuzzyFileSearch/sessionStop', { sessionId });
      };
      const fail = (e: unknown) => {
        subscriber.error(e);
      };
      const finishIfDone = () => {
        if (!queriesEnded || !(current === undefined || done)) return;
        stop();
        subscriber.complete();
      };
      const update = (query: string) => {
        host.request('fuzzyFileSearch/sessionUpdate', { sessionId, query }).subscribe({ error: fail });
      };

      const events = notificationsOf(host, 'fuzzyFileSearch/sessionUpdated', sessionId).subscribe({
        next: (p) => {
          if (p.query !== current) return; // an older query's results
          updatedFor = p.query;
          files = p.files;
          if (completedEarly) done = true;
          // The server may refine a query's results after reporting it complete (its index still growing).
          subscriber.next({ query: p.query, files, done });
          if (done) finishIfDone();
        },
        error: fail,
      });
      events.add(
        notificationsOf(host, 'fuzzyFileSearch/sessionCompleted', sessionId).subscribe({
          next: () => {
            if (current === undefined || done) return;
            if (updatedFor !== current) {
              completedEarly = true; // no results of the latest query yet: done with the first ones
              return;
            }
            done = true;
            subscriber.next({ query: current, files, done: true });
            finishIfDone();
          },
          error: () => undefined, // reported once, above
        }),
      );
      const start = host.request('fuzzyFileSearch/sessionStart', { sessionId, roots: [...roots] }, { onSent: () => (sent = true) }).subscribe({
        next: () => {
          if (session !== 'starting') return;
          session = 'open';
          if (stopWhenOpen) return stop();
          if (pending !== undefined) update(pending);
          pending = undefined;
        },
        error: (e) => {
          session = 'stopped';
          fail(e);
        },
      });
      events.add(
        queries.subscribe({
          next: (query) => {
            if (typeof query !== 'string') return fail(new ValidationError('fileSearch', [{ path: 'query', message: `must be a string, got ${typeof query}` }]));
            current = query;
            updatedFor = undefined;
            files = [];
            done = false;
            completedEarly = false;
            if (query === '') {
              done = true;
              subscriber.next({ query, files, done: true });
              return;
            }
            if (session === 'open') update(query);
            else pending = query;
          },
          error: fail,
          complete: () => {
            queriesEnded = true;
            finishIfDone();
          },
        }),
      );
      return () => {
        events.unsubscribe();
        stop();
      };
    });
}
