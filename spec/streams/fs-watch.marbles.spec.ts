/**
 * codex.watch() over the in-memory app-server. Script letters: a/c deliver fs/changed of our
 * watch, x of another one, w answers fs/watch, K kills the app-server. Sent letters:
 * W = fs/watch, U = fs/unwatch.
 */
import { TransportClosedError, ValidationError } from '../../lib/errors.js';
import { anError, expectIdle } from '../support/expectations';
import { eachStreamBench } from './support.js';

const ID = 'w-1';
const SENT = { W: 'fs/watch', U: 'fs/unwatch' };
const changed = (paths: string[], watchId = ID) => ({ watchId, changedPaths: paths });
const n = {
  a: { method: 'fs/changed', params: changed(['/work/a.txt']) },
  c: { method: 'fs/changed', params: changed(['/work/b.txt', '/work/c.txt']) },
  x: { method: 'fs/changed', params: changed(['/elsewhere'], 'w-2') },
};
const v = { a: changed(['/work/a.txt']), c: changed(['/work/b.txt', '/work/c.txt']) };

describe('codex.watch() (marbles)', () => {
  const b = eachStreamBench(() => b.transport.onRequest('fs/unwatch', () => ({})));
  const answerWatch = () => b.server.respondTo('fs/watch', { path: '/work' });

  it('is cold; emits its fs/changed events; unsubscribing sends fs/unwatch exactly once', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const watch$ = b.codex.watch('/work', { watchId: ID });
      b.serve(hot, '  --w-a-x-c----a', { ...n, w: answerWatch });
      const sub = '   -^----------!';
      expectObservable(b.sent$(SENT)).toBe('-W----------U', SENT);
      expectObservable(watch$, sub).toBe('----a---c----', v);
    });
    expect(b.server.paramsOf('fs/watch')).toEqual([{ watchId: ID, path: '/work' }]);
    expect(b.server.paramsOf('fs/unwatch')).toEqual([{ watchId: ID }]);
    expect(b.warnings).toEqual([]);
    expectIdle(b.codex);
  });

  it('unwatches only once the watch was accepted when unsubscribed early', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  ---w', { ...n, w: answerWatch });
      const sub = '   ^!';
      expectObservable(b.sent$(SENT)).toBe('W--U', SENT);
      expectObservable(b.codex.watch('/work', { watchId: ID }), sub).toBe('--', v);
    });
  });

  it('sends nothing when the watch failed', () => {
    b.transport.onRequest('fs/watch', () => {
      throw { code: -32600, message: 'AbsolutePathBuf deserialized without a base path' };
    });
    const errors: unknown[] = [];
    b.codex.watch('relative', { watchId: ID }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([expect.objectContaining({ code: -32600 })]);
    expect(b.server.paramsOf('fs/unwatch')).toEqual([]);
  });

  it('errors with TransportClosedError when the app-server dies, and sends no unwatch', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      b.serve(hot, '  -w-a-K', { ...n, w: answerWatch, K: () => b.transport.fail() });
      expectObservable(b.codex.watch('/work', { watchId: ID })).toBe('---a-#', v, anError(TransportClosedError));
    });
    expect(b.server.paramsOf('fs/unwatch')).toEqual([]);
  });

  it('reports a failed unwatch on warnings$', () => {
    b.transport.onRequest('fs/watch', () => ({ path: '/work' }));
    b.transport.onRequest('fs/unwatch', () => {
      throw { code: -32603, message: 'boom' };
    });
    b.codex.watch('/work').subscribe().unsubscribe();
    expect(b.warnings).toEqual([expect.objectContaining({ kind: 'teardown-failed', message: expect.stringContaining('fs/unwatch') })]);
  });

  it('fails with ValidationError before anything is sent', () => {
    const errors: unknown[] = [];
    b.codex.watch('').subscribe({ error: (e) => errors.push(e) });
    b.codex.watch('/work', { watchId: 7 as never }).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual([anError(ValidationError), anError(ValidationError)]);
    expect(b.transport.sent).toEqual([]);
  });
});
