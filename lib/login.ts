import { defer, filter, map, Observable, of, take, type Subscription } from 'rxjs';
import { ValidationError } from './errors.js';
import type { AccountLoginCompletedNotification } from './protocol/generated/v2/AccountLoginCompletedNotification.js';
import type { Connection } from './rpc/connection.js';
import type { WireNotification } from './rpc/message.js';

// The ChatGPT logins of `codex.loginChatgpt()` / `loginChatgptDeviceCode()`: not needed to run a
// turn, so a browser loads this with the streams chunk (lib/streams/all-streams.ts) on first use.

/** A ChatGPT login in progress. */
export interface LoginHandle {
  readonly loginId: string;
  /** Emits the `account/login/completed` of this login (even if it arrived before you subscribed), then completes. */
  readonly completed$: Observable<AccountLoginCompletedNotification>;
  /** Cancels the login (`account/login/cancel`). */
  cancel(): Observable<void>;
}
/** Browser login: open `authUrl`. */
export interface ChatgptLoginHandle extends LoginHandle {
  readonly authUrl: string;
}
/** Device-code login: show `userCode`, open `verificationUrl`. */
export interface DeviceCodeLoginHandle extends LoginHandle {
  readonly verificationUrl: string;
  readonly userCode: string;
}

/** Remembers the last few login completions, so a handle sees one that arrived early. Bounded. */
export class LoginCompletions {
  private readonly recent = new Map<string, AccountLoginCompletedNotification>();
  private readonly subscription: Subscription;

  constructor(
    private readonly notifications$: Observable<WireNotification>,
    private readonly capacity = 32,
  ) {
    this.subscription = notifications$.subscribe({
      next: (n) => {
        const p = completionOf(n);
        if (!p) return;
        this.recent.delete(p.loginId as string); // newest last: eviction drops the oldest
        this.recent.set(p.loginId as string, p);
        if (this.recent.size > this.capacity) this.recent.delete(this.recent.keys().next().value as string);
      },
      error: () => undefined,
    });
  }

  /** The completion of `loginId`: remembered, or the next to arrive. */
  completed$(loginId: string): Observable<AccountLoginCompletedNotification> {
    return defer(() => {
      const seen = this.recent.get(loginId);
      if (seen) return of(seen);
      return this.notifications$.pipe(
        map(completionOf),
        filter((p): p is AccountLoginCompletedNotification => p?.loginId === loginId),
        take(1),
      );
    });
  }

  dispose(): void {
    this.subscription.unsubscribe();
  }
}

/** The params of a well-formed `account/login/completed` with a login id; anything else: undefined. */
function completionOf(n: WireNotification): AccountLoginCompletedNotification | undefined {
  if (n.method !== 'account/login/completed') return undefined;
  const p = n.params as AccountLoginCompletedNotification | null | undefined;
  return p !== null && typeof p === 'object' && typeof p.loginId === 'string' ? p : undefined;
}

/** What each ChatGPT login type gives back, beside the common handle. */
interface LoginHandles {
  readonly chatgpt: ChatgptLoginHandle;
  readonly chatgptDeviceCode: DeviceCodeLoginHandle;
}

/**
 * Starts a ChatGPT login of `type` (`account/login/start`), `completions` listening before it is
 * sent, and gives its handle: the login id, the URL (and code) to show, `completed$` and `cancel()`.
 */
export function chatgptLogin<T extends keyof LoginHandles>(connection: Connection, completions: LoginCompletions, type: T, subject: string): Observable<LoginHandles[T]> {
  return connection.request('account/login/start', { type } as { type: 'chatgpt' }).pipe(
    map((r) => {
      if (r.type !== type) throw new ValidationError(subject, [{ path: 'type', message: `unexpected answer ${r.type}` }]);
      const loginId = r.loginId;
      const handle: LoginHandle = {
        loginId,
        completed$: completions.completed$(loginId).pipe(connection.keepAlive()),
        cancel: () => connection.request('account/login/cancel', { loginId }).pipe(map(() => undefined)),
      };
      const shown = r.type === 'chatgpt' ? { authUrl: r.authUrl } : { verificationUrl: r.verificationUrl, userCode: r.userCode };
      return { ...handle, ...shown } as LoginHandles[T];
    }),
  );
}
