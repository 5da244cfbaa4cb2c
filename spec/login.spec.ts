import { Observable, Subject } from 'rxjs';
import { LoginCompletions } from '../lib/login';
import type { WireNotification } from '../lib/rpc/message';
import { ObservableStream } from './support/observable-stream';

function completed(loginId: string, success = true) {
  return { method: 'account/login/completed', params: { loginId, success, error: success ? null : 'denied' } };
}

describe('LoginCompletions: each login handle sees the completion of its own login id', () => {
  let notifications: Subject<WireNotification>;
  let logins: LoginCompletions;
  beforeEach(() => {
    notifications = new Subject<WireNotification>();
    logins = new LoginCompletions(notifications);
  });
  afterEach(() => logins.dispose());

  it('a completion that arrived before anyone asked is remembered', async () => {
    notifications.next(completed('login-1'));
    const done = new ObservableStream(logins.completed$('login-1'));
    expect(await done.takeNext()).toEqual(completed('login-1').params);
    await done.takeComplete();
  });

  it('one that comes later is matched by login id; other logins’ completions are ignored', async () => {
    const done = new ObservableStream(logins.completed$('login-1'));
    notifications.next(completed('login-2'));
    notifications.next({ method: 'account/updated', params: { loginId: 'login-1' } });
    notifications.next(completed('login-1', false));
    expect(await done.takeNext()).toEqual({ loginId: 'login-1', success: false, error: 'denied' });
    await done.takeComplete();
  });

  it('two handles the server gave the same login id both complete, before and after it arrived', async () => {
    const early = [new ObservableStream(logins.completed$('login-1')), new ObservableStream(logins.completed$('login-1'))];
    notifications.next(completed('login-1'));
    const late = new ObservableStream(logins.completed$('login-1'));
    for (const s of [...early, late]) expect(await s.takeNext()).toMatchObject({ loginId: 'login-1', success: true });
  });

  it('malformed completions (no login id, params not an object) are ignored, not thrown', () => {
    const seen: unknown[] = [];
    logins.completed$('login-1').subscribe({ next: (n) => seen.push(n), error: (e) => seen.push(e) });
    notifications.next({ method: 'account/login/completed' });
    notifications.next({ method: 'account/login/completed', params: null });
    notifications.next({ method: 'account/login/completed', params: { loginId: 7, success: true } });
    notifications.next({ method: 'account/login/completed', params: 'login-1' });
    expect(seen).toEqual([]);
  });

  it('memory is bounded: beyond its capacity the oldest completion is forgotten', () => {
    logins.dispose();
    logins = new LoginCompletions(notifications, 2);
    for (const id of ['a', 'b', 'c']) notifications.next(completed(id));
    const seen: string[] = [];
    for (const id of ['a', 'b', 'c']) logins.completed$(id).subscribe((n) => seen.push(n.loginId as string));
    expect(seen).toEqual(['b', 'c']);
    notifications.next(completed('a')); // a forgotten login still completes when its notification comes again
    expect(seen).toEqual(['b', 'c', 'a']);
  });

  it('a login id completed again counts as the newest', () => {
    logins.dispose();
    logins = new LoginCompletions(notifications, 2);
    for (const id of ['a', 'b', 'a', 'c']) notifications.next(completed(id));
    const seen: string[] = [];
    for (const id of ['a', 'b', 'c']) logins.completed$(id).subscribe((n) => seen.push(n.loginId as string));
    expect(seen).toEqual(['a', 'c']);
  });

  it('completed$ is cold: nothing is held per handle until subscribed, and leaving early holds nothing', () => {
    let live = 0;
    const counted$ = new Observable<WireNotification>((subscriber) => {
      live++;
      const inner = notifications.subscribe(subscriber);
      return () => {
        live--;
        inner.unsubscribe();
      };
    });
    logins.dispose();
    logins = new LoginCompletions(counted$);
    expect(live).toBe(1); // the cache itself
    const completed$ = logins.completed$('login-1');
    expect(live).toBe(1);
    const sub = completed$.subscribe();
    expect(live).toBe(2);
    sub.unsubscribe();
    expect(live).toBe(1);
    logins.dispose();
    expect(live).toBe(0);
  });

  it('after dispose() nothing new is remembered; a dead connection errors a waiting handle', () => {
    const waiting: unknown[] = [];
    logins.completed$('login-9').subscribe({ error: (e) => waiting.push(e) });
    logins.dispose();
    notifications.next(completed('login-1'));
    const seen: unknown[] = [];
    logins.completed$('login-1').subscribe({ next: (n) => seen.push(n), error: () => undefined }); // waits for a live one instead
    expect(seen).toEqual([]);
    notifications.error(new Error('closed'));
    expect(waiting).toEqual([expect.objectContaining({ message: 'closed' })]);
  });
});
