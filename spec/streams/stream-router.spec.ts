// The StreamRouter: notifications reach only the streams whose id they carry, through maps.
import { TransportClosedError } from '../../lib/errors.js';
import { ANY_KEY, routeKey, routerOf } from '../../lib/streams/stream-router.js';
import { anError } from '../support/expectations';
import { eachStreamBench } from './support.js';

describe('StreamRouter', () => {
  const b = eachStreamBench();

  it('delivers a notification only to the routes of its id (and the any-id routes), among a thousand', () => {
    const router = routerOf(b.connection);
    const seen = new Map<string, unknown[]>();
    const removals: Array<() => void> = [];
    for (let i = 0; i < 1000; i++) {
      const got: unknown[] = [];
      seen.set(`w-${i}`, got);
      removals.push(router.add('fs/changed', routeKey(`w-${i}`), { next: (p) => got.push(p), error: (e) => got.push(e) }));
    }
    const all: unknown[] = [];
    removals.push(router.add('fs/changed', ANY_KEY, { next: (p) => all.push(p), error: () => undefined }));
    const params = { watchId: 'w-7', changedPaths: ['/work/a'] };
    b.server.emit({ method: 'fs/changed', params });
    b.server.emit({ method: 'process/exited', params: { processHandle: 'w-7' } }); // another method: no route
    expect(seen.get('w-7')).toEqual([params]);
    expect([...seen.values()].filter((got) => got.length > 0)).toHaveLength(1);
    expect(all).toEqual([params]);
    expect(b.transport.keepingAlive).toBe(true); // listening while routes exist
    for (const remove of removals) remove();
    expect(b.transport.keepingAlive).toBe(false); // …and not after
  });

  it('keeps string and numeric ids apart (JSON-RPC request ids can be either)', () => {
    const router = routerOf(b.connection);
    const got: unknown[] = [];
    const remove = router.add('thread/search/partial', routeKey(1), { next: (p) => got.push(p), error: () => undefined });
    b.server.emit({ method: 'thread/search/partial', params: { requestId: '1', data: [] } });
    b.server.emit({ method: 'thread/search/partial', params: { requestId: 1, data: [] } });
    expect(got).toEqual([{ requestId: 1, data: [] }]);
    remove();
  });

  it('fails every route with TransportClosedError when the client closes, and accepts routes again after', async () => {
    const router = routerOf(b.connection);
    const errors: unknown[] = [];
    router.add('fs/changed', routeKey('w-1'), { next: () => undefined, error: (e) => errors.push(e) });
    router.add('process/exited', ANY_KEY, { next: () => undefined, error: (e) => errors.push(e) });
    await b.codex.close();
    expect(errors).toEqual([anError(TransportClosedError), anError(TransportClosedError)]);
    router.add('fs/changed', routeKey('w-2'), { next: () => undefined, error: (e) => errors.push(e) });
    expect(errors).toHaveLength(3); // a closed connection fails a new route at once
  });
});
