import { defer, Observable } from 'rxjs';
import { ValidationError } from '../errors.js';
import type { FsChangedNotification } from '../protocol/generated/v2/FsChangedNotification.js';
import { givenOrClientId, notificationsOf, sendTeardown, type StreamHost } from './stream-host.js';

/** Options of `codex.watch()`. */
export interface WatchOptions {
  /** The connection-scoped watch id (default: a fresh one). */
  readonly watchId?: string;
}

/** One `fs/changed` event: the paths (absolute) that changed together. */
export type FsChange = FsChangedNotification;

/**
 * Watches a file or directory on the app-server's host (`fs/watch`): emits each `fs/changed`
 * event; never completes by itself. Unsubscribing sends `fs/unwatch` (once, after the watch was
 * accepted). The path must be absolute; a path that does not exist yet is watched for creation.
 */
export function fsWatch(host: StreamHost, path: string, options: WatchOptions = {}): Observable<FsChange> {
  return defer(() => {
    if (typeof path !== 'string' || path === '') throw new ValidationError('watch', [{ path: 'path', message: 'must be a non-empty absolute path' }]);
    const watchId = givenOrClientId(options?.watchId, 'watch', 'watch options', 'watchId');
    return new Observable<FsChange>((subscriber) => {
      let state: 'starting' | 'watching' | 'ended' = 'starting';
      let unwatchWhenStarted = false;
      let sent = false;
      const stop = () => {
        if (state === 'starting') {
          if (!sent) {
            state = 'ended';
            return watch.unsubscribe(); // never sent: nothing to unwatch
          }
          unwatchWhenStarted = true;
          return;
        }
        if (state !== 'watching') return;
        state = 'ended';
        sendTeardown(host, 'fs/unwatch', { watchId });
      };

      const changes = notificationsOf(host, 'fs/changed', watchId).subscribe({
        next: (p) => subscriber.next(p),
        error: (e) => {
          state = 'ended';
          subscriber.error(e);
        },
      });
      // Not tied to the subscriber: an unsubscribe before the answer still unwatches then.
      const watch = host.request('fs/watch', { watchId, path }, { onSent: () => (sent = true) }).subscribe({
        next: () => {
          if (state !== 'starting') return;
          state = 'watching';
          if (unwatchWhenStarted) stop();
        },
        error: (e) => {
          state = 'ended';
          subscriber.error(e);
        },
      });
      return () => {
        changes.unsubscribe();
        stop();
      };
    });
  });
}
