import { defer, from, switchMap, type Observable } from 'rxjs';
import { CodexError } from './errors.js';
import { describeError } from './rpc/redaction.js';

/**
 * A module fetched with `import()` the first time it is needed and kept (a bundler puts it in a
 * chunk of its own, fetched on first use, not with the page); a failed load is tried again by
 * the next use. The only state is the module once loaded: the same for every client of a page.
 */
export class OnFirstUse<T> {
  private loaded?: T;
  private loading?: Promise<T>;

  /** @param load a function around a LITERAL `import('./x.js')`: that is what bundlers split on. */
  constructor(
    private readonly what: string,
    private readonly load: () => Promise<T>,
  ) {}

  /** The module once loaded (undefined before). */
  get now(): T | undefined {
    return this.loaded;
  }

  /** Resolves with the module; rejects with a CodexError that says which chunk failed to load. */
  get(): Promise<T> {
    return (this.loading ??= this.load().then(
      (m) => (this.loaded = m),
      (e: unknown) => {
        this.loading = undefined; // e.g. a chunk 404 during a deploy: the next call tries again
        throw new CodexError(`codex-rx could not load its ${this.what} (a chunk loaded on first use): ${describeError(e)}`, { cause: e });
      },
    ));
  }

  /**
   * Cold: at each subscription, `use(module)` with `given` (what a host loaded with its entry) or
   * the loaded module, at once; else once the chunk is here. A failed load errors that
   * subscription with the CodexError of `get()`; an unsubscription while loading leaves nothing.
   */
  use<R>(given: T | undefined, use: (module: T) => Observable<R>): Observable<R> {
    return defer(() => {
      const module = given ?? this.loaded;
      return module !== undefined ? use(module) : from(this.get()).pipe(switchMap(use));
    });
  }
}
