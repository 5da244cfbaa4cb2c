import { defer, Observable, ReplaySubject, type OperatorFunction } from 'rxjs';
import type { StreamHost } from './stream-host.js';
import type { FileSearchOptions, FileSearchSnapshot } from './fuzzy-file-search.js';
import { OnFirstUse } from '../on-first-use.js';

// Why this file: the streams (exec, spawn, watch, file and thread search, review, the live
// states) are not needed to run a turn, so a browser should not load them with the page. The
// client reaches them only through the `import()` below, which bundlers split into a chunk of
// its own. A host that loads them with its entry (Node's platform, the testing kit) hands them
// to its clients, which then build them synchronously, as before. Keep lib/streams/* out of the
// static imports of lib/codex.ts, lib/thread.ts and lib/index.ts (types are fine).

/** Every stream a client builds (lib/streams/all-streams.ts). */
export type Streams = typeof import('./all-streams.js');

// The import() specifier must stay literal: that is what bundlers split on.
const chunk = new OnFirstUse<Streams>('stream helpers', () => import('./all-streams.js'));

/**
 * Loads the streams chunk now (what a page's first use would do), so that clients without
 * streams of their own build them synchronously from then on. This sets nothing: it only warms
 * the module cache. For test set-ups (spec/support); a host hands its clients the streams instead.
 */
export async function loadStreams(): Promise<void> {
  await chunk.get();
}

/** One client's streams: the ones its host handed over, else the chunk loaded on first use. */
export class ClientStreams {
  constructor(private readonly given?: Streams) {}

  /** The streams when they are here (handed over, or their chunk loaded); undefined before. */
  get now(): Streams | undefined {
    return this.given ?? chunk.now;
  }

  /**
   * Cold: at subscription, `build(streams)` at once when they are here, else once their chunk
   * loaded. A failed load errors that subscription with a CodexError saying so; nothing is sent.
   */
  use<T>(build: (streams: Streams) => Observable<T>): Observable<T> {
    return chunk.use(this.given, build);
  }

  /**
   * `codex.fileSearch()`: the operator subscribes to the queries when it is subscribed, as it
   * always did. While the chunk loads, the latest query (and the end of the queries) is kept for
   * it: a session keeps only the latest query until it is open anyway.
   */
  fileSearch(host: StreamHost, roots: readonly string[], options?: FileSearchOptions): OperatorFunction<string, FileSearchSnapshot> {
    return (queries) =>
      defer(() => {
        const now = this.given ?? chunk.now;
        if (now) return now.fuzzyFileSearch(host, roots, options)(queries);
        return new Observable<FileSearchSnapshot>((subscriber) => {
          const latest = new ReplaySubject<string>(1);
          const input = queries.subscribe(latest);
          const output = this.use((s) => s.fuzzyFileSearch(host, roots, options)(latest)).subscribe(subscriber);
          return () => {
            output.unsubscribe();
            input.unsubscribe();
          };
        });
      });
  }
}
