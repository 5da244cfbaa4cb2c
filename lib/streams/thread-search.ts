import { defer, Observable, Subscription } from 'rxjs';
import { ValidationError } from '../errors.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { ThreadSearchParams } from '../protocol/generated/v2/ThreadSearchParams.js';
import type { ThreadSearchResult } from '../protocol/generated/v2/ThreadSearchResult.js';
import { notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** Options of `codex.threadSearch()`: the `thread/search/stream` params besides the term. */
export type ThreadSearchOptions = Omit<ThreadSearchParams, 'searchTerm'>;

/** What `codex.threadSearch()` emits: the rows found so far, then the authoritative page. */
export interface ThreadSearchUpdate {
  /** False for provisional rows (`thread/search/partial`, accumulated); true for the final page. */
  readonly final: boolean;
  /** Provisional: every partial row so far, in discovery order. Final: the sorted page. */
  readonly results: readonly ThreadSearchResult[];
  /** Final page only: pass as `cursor` for the next page. */
  readonly nextCursor: string | null;
  /** Final page only: pass as `cursor` with the opposite `sortDirection`. */
  readonly backwardsCursor: string | null;
}

export { MAX_PARTIAL_SEARCH_ROWS } from './stream-limits.js';
import { MAX_PARTIAL_SEARCH_ROWS } from './stream-limits.js';

/**
 * Searches stored threads (`thread/search/stream`): emits the provisional rows as they are found
 * (`thread/search/partial`, accumulated, `final: false`), then the final page (`final: true`) and
 * completes. Unsubscribing before the final page sends `thread/search/stream/cancel` (once).
 */
export function threadSearch(host: StreamHost, searchTerm: string, options: ThreadSearchOptions = {}): Observable<ThreadSearchUpdate> {
  return defer(() => {
    if (typeof searchTerm !== 'string' || searchTerm.trim() === '') {
      throw new ValidationError('threadSearch', [{ path: 'searchTerm', message: 'must be a non-empty string' }]);
    }
    const params: ThreadSearchParams = { ...options, searchTerm };
    return new Observable<ThreadSearchUpdate>((subscriber) => {
      let requestId: RequestId | undefined;
      let running = true;
      const rows: ThreadSearchResult[] = [];
      const partials = new Subscription();
      const follow = (id: RequestId) =>
        notificationsOf(host, 'thread/search/partial', id).subscribe({
          next: (p) => {
            if (!running || rows.length >= MAX_PARTIAL_SEARCH_ROWS) return;
            rows.push(...p.data.slice(0, MAX_PARTIAL_SEARCH_ROWS - rows.length));
            subscriber.next({ final: false, results: rows.slice(), nextCursor: null, backwardsCursor: null });
          },
          error: (e) => {
            running = false;
            subscriber.error(e);
          },
        });
      // Not tied to the subscriber: a cancelled search still answers (with an error), and that answer must find its request.
      const search = host.request('thread/search/stream', params, { onSent: (id) => ((requestId = id), partials.add(follow(id))) }).subscribe({
        next: (page) => {
          running = false;
          subscriber.next({ final: true, results: page.data, nextCursor: page.nextCursor, backwardsCursor: page.backwardsCursor });
          subscriber.complete();
        },
        error: (e) => {
          running = false;
          subscriber.error(e);
        },
      });
      return () => {
        partials.unsubscribe();
        if (requestId === undefined) return search.unsubscribe(); // never sent: nothing to cancel
        if (!running) return;
        running = false;
        sendTeardown(host, 'thread/search/stream/cancel', { requestId });
      };
    });
  });
}
