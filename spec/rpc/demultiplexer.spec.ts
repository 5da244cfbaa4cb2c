import { ProtocolError } from '../../lib/errors.js';
import { DEFAULT_MAX_BUFFERED_PER_THREAD, Demultiplexer, type RouteSink } from '../../lib/rpc/demultiplexer.js';

interface Msg {
  readonly n: number;
}

/** A sink that records what it gets. */
class RecordingSink implements RouteSink<Msg> {
  readonly got: number[] = [];
  readonly errors: unknown[] = [];
  onNext?: (m: Msg) => void;
  next(m: Msg): void {
    this.got.push(m.n);
    this.onNext?.(m);
  }
  error(e: unknown): void {
    this.errors.push(e);
  }
}

const m = (n: number): Msg => ({ n });
const ZERO = { routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 };

describe('Demultiplexer', () => {
  let demux: Demultiplexer<Msg>;
  beforeEach(() => {
    demux = new Demultiplexer<Msg>();
  });

  it('defaults to holding 10 000 messages per thread', () => {
    expect(DEFAULT_MAX_BUFFERED_PER_THREAD).toBe(10_000);
  });

  it('starts empty', () => {
    expect(demux.stats).toEqual(ZERO);
  });

  describe('routing by turn id', () => {
    it('delivers messages of a bound turn to its sink, in order', () => {
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      expect(demux.dispatch(m(1), 'th1', 'tu1')).toBe(true);
      expect(demux.dispatch(m(2), 'th1', 'tu1')).toBe(true);
      expect(a.got).toEqual([1, 2]);
    });

    it('routes by turn id alone once bound (thread id not needed)', () => {
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      expect(demux.dispatch(m(1), undefined, 'tu1')).toBe(true);
      expect(a.got).toEqual([1]);
    });

    it('keeps turns apart', () => {
      const a = new RecordingSink();
      const b = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      demux.claim('th2', b).bind('tu2');
      demux.dispatch(m(1), 'th1', 'tu1');
      demux.dispatch(m(2), 'th2', 'tu2');
      demux.dispatch(m(3), 'th1', 'tu1');
      expect(a.got).toEqual([1, 3]);
      expect(b.got).toEqual([2]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 2 });
    });

    it('does not take messages without a turn id, nor of unknown turns of unclaimed threads', () => {
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      expect(demux.dispatch(m(1), 'th1', undefined)).toBe(false);
      expect(demux.dispatch(m(2), undefined, undefined)).toBe(false);
      expect(demux.dispatch(m(3), 'th9', 'tu9')).toBe(false);
      expect(demux.dispatch(m(4), undefined, 'tu9')).toBe(false);
      expect(a.got).toEqual([]);
      expect(demux.stats.bufferedMessages).toBe(0);
    });

    it('routes thousands of turns without mixing them', () => {
      const sinks = Array.from({ length: 2000 }, () => new RecordingSink());
      sinks.forEach((s, i) => demux.claim(`th${i}`, s).bind(`tu${i}`));
      for (let i = sinks.length - 1; i >= 0; i--) demux.dispatch(m(i), `th${i}`, `tu${i}`);
      sinks.forEach((s, i) => expect(s.got).toEqual([i]));
    });
  });

  describe('claim and bind', () => {
    it('holds messages of a claimed thread until bind, then flushes them in order', () => {
      const a = new RecordingSink();
      const claim = demux.claim('th1', a);
      expect(demux.dispatch(m(1), 'th1', 'tu1')).toBe(true);
      expect(demux.dispatch(m(2), 'th1', 'tu1')).toBe(true);
      expect(a.got).toEqual([]);
      expect(demux.stats).toEqual({ ...ZERO, claimedThreads: 1, bufferedMessages: 2 });
      claim.bind('tu1');
      expect(a.got).toEqual([1, 2]);
      demux.dispatch(m(3), 'th1', 'tu1');
      expect(a.got).toEqual([1, 2, 3]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 1 });
    });

    it('does not deliver held messages of other turns of the thread, and drops them when the claim ends', () => {
      const a = new RecordingSink();
      const claim = demux.claim('th1', a);
      demux.dispatch(m(1), 'th1', 'old');
      demux.dispatch(m(2), 'th1', 'tu1');
      demux.dispatch(m(3), 'th1', 'old');
      demux.dispatch(m(4), 'th1', 'tu1');
      claim.bind('tu1');
      expect(a.got).toEqual([2, 4]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 1 });
      // Messages of the other turn are not routed later either.
      expect(demux.dispatch(m(5), 'th1', 'old')).toBe(false);
      expect(a.got).toEqual([2, 4]);
    });

    it('does not hold messages of other threads', () => {
      const a = new RecordingSink();
      demux.claim('th1', a);
      expect(demux.dispatch(m(1), 'th2', 'tu2')).toBe(false);
      expect(demux.stats.bufferedMessages).toBe(0);
    });

    it('two claims on one thread each get only their own turn', () => {
      const a = new RecordingSink();
      const b = new RecordingSink();
      const ca = demux.claim('th1', a);
      const cb = demux.claim('th1', b);
      demux.dispatch(m(1), 'th1', 'tuA');
      demux.dispatch(m(2), 'th1', 'tuB');
      demux.dispatch(m(3), 'th1', 'tuA');
      ca.bind('tuA');
      expect(a.got).toEqual([1, 3]);
      // b's turn is still held: b has not bound yet.
      expect(demux.stats).toEqual({ ...ZERO, routes: 1, claimedThreads: 1, bufferedMessages: 1 });
      demux.dispatch(m(4), 'th1', 'tuB');
      cb.bind('tuB');
      expect(b.got).toEqual([2, 4]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 2 });
    });

    it('stops flushing when the sink goes away while the buffer is handed over', () => {
      const a = new RecordingSink();
      a.onNext = (msg) => {
        if (msg.n === 2) demux.remove('tu1', a);
      };
      const claim = demux.claim('th1', a);
      for (const n of [1, 2, 3, 4]) demux.dispatch(m(n), 'th1', 'tu1');
      claim.bind('tu1');
      expect(a.got).toEqual([1, 2]);
      expect(demux.stats).toEqual(ZERO);
    });

    it('bind with nothing held just starts routing', () => {
      const a = new RecordingSink();
      const claim = demux.claim('th1', a);
      claim.bind('tu1');
      expect(demux.stats).toEqual({ ...ZERO, routes: 1 });
      demux.dispatch(m(1), 'th1', 'tu1');
      expect(a.got).toEqual([1]);
    });

    it('release after bind is harmless', () => {
      const a = new RecordingSink();
      const claim = demux.claim('th1', a);
      claim.bind('tu1');
      claim.release();
      claim.release();
      demux.dispatch(m(1), 'th1', 'tu1');
      expect(a.got).toEqual([1]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 1 });
    });
  });

  describe('release', () => {
    it('drops the held messages and stops holding', () => {
      const a = new RecordingSink();
      const claim = demux.claim('th1', a);
      demux.dispatch(m(1), 'th1', 'tu1');
      demux.dispatch(m(2), 'th1', 'tu1');
      claim.release();
      expect(demux.stats).toEqual(ZERO);
      expect(demux.dispatch(m(3), 'th1', 'tu1')).toBe(false);
      expect(a.got).toEqual([]);
      expect(a.errors).toEqual([]);
    });

    it('keeps the buffer while another claim on the thread waits', () => {
      const a = new RecordingSink();
      const b = new RecordingSink();
      const ca = demux.claim('th1', a);
      const cb = demux.claim('th1', b);
      demux.dispatch(m(1), 'th1', 'tuB');
      ca.release();
      expect(demux.stats).toEqual({ ...ZERO, claimedThreads: 1, bufferedMessages: 1 });
      cb.bind('tuB');
      expect(b.got).toEqual([1]);
      expect(a.got).toEqual([]);
    });

    it('is idempotent', () => {
      const a = new RecordingSink();
      const b = new RecordingSink();
      const ca = demux.claim('th1', a);
      demux.claim('th1', b);
      ca.release();
      ca.release();
      expect(demux.stats.claimedThreads).toBe(1);
    });
  });

  describe('overflow', () => {
    it('errors every claim of the thread with ProtocolError and drops its buffer', () => {
      demux = new Demultiplexer<Msg>(3);
      const a = new RecordingSink();
      const b = new RecordingSink();
      const other = new RecordingSink();
      demux.claim('th1', a);
      demux.claim('th1', b);
      const otherClaim = demux.claim('th2', other);
      demux.dispatch(m(100), 'th2', 'tu2');
      for (const n of [1, 2, 3]) expect(demux.dispatch(m(n), 'th1', 'tu1')).toBe(true);
      expect(a.errors).toEqual([]);
      expect(demux.dispatch(m(4), 'th1', 'tu1')).toBe(false);
      expect(a.errors).toHaveLength(1);
      expect(ProtocolError.is(a.errors[0])).toBe(true);
      expect((a.errors[0] as Error).message).toContain('th1');
      expect(b.errors).toEqual(a.errors);
      expect(a.got).toEqual([]);
      // Only the overflowing thread is affected.
      expect(other.errors).toEqual([]);
      expect(demux.stats).toEqual({ ...ZERO, claimedThreads: 1, bufferedMessages: 1 });
      otherClaim.bind('tu2');
      expect(other.got).toEqual([100]);
      expect(demux.stats).toEqual({ ...ZERO, routes: 1 });
    });

    it('counts per thread', () => {
      demux = new Demultiplexer<Msg>(2);
      const a = new RecordingSink();
      const b = new RecordingSink();
      demux.claim('th1', a);
      demux.claim('th2', b);
      for (const n of [1, 2]) {
        demux.dispatch(m(n), 'th1', 'x');
        demux.dispatch(m(n), 'th2', 'y');
      }
      expect(a.errors).toEqual([]);
      expect(b.errors).toEqual([]);
      expect(demux.stats.bufferedMessages).toBe(4);
    });

    it('does not limit messages of bound turns', () => {
      demux = new Demultiplexer<Msg>(1);
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      for (let n = 0; n < 10; n++) demux.dispatch(m(n), 'th1', 'tu1');
      expect(a.got).toHaveLength(10);
      expect(a.errors).toEqual([]);
    });
  });

  describe('remove', () => {
    it('stops routing a turn', () => {
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      demux.remove('tu1');
      expect(demux.dispatch(m(1), 'th1', 'tu1')).toBe(false);
      expect(a.got).toEqual([]);
      expect(demux.stats).toEqual(ZERO);
    });

    it('with a sink, removes only that sink’s route', () => {
      const a = new RecordingSink();
      const stranger = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      demux.remove('tu1', stranger);
      demux.dispatch(m(1), 'th1', 'tu1');
      expect(a.got).toEqual([1]);
      demux.remove('tu1', a);
      expect(demux.stats).toEqual(ZERO);
    });

    it('forgets the server requests of the turn', () => {
      const a = new RecordingSink();
      demux.claim('th1', a).bind('tu1');
      demux.claim('th2', new RecordingSink()).bind('tu2');
      demux.noteRequest('r1', 'tu1');
      demux.noteRequest('r2', 'tu1');
      demux.noteRequest('r3', 'tu2');
      expect(demux.stats.trackedRequests).toBe(3);
      demux.remove('tu1');
      expect(demux.stats.trackedRequests).toBe(1);
      expect(demux.takeRequestTurn('r1')).toBeUndefined();
      expect(demux.takeRequestTurn('r3')).toBe('tu2');
    });

    it('of an unknown turn does nothing', () => {
      demux.remove('nope');
      expect(demux.stats).toEqual(ZERO);
    });
  });

  describe('noteRequest / takeRequestTurn', () => {
    it('remembers the turn of a server request once, for a routed turn', () => {
      demux.claim('th1', new RecordingSink()).bind('tu1');
      demux.noteRequest('7', 'tu1');
      expect(demux.stats.trackedRequests).toBe(1);
      expect(demux.takeRequestTurn('7')).toBe('tu1');
      expect(demux.takeRequestTurn('7')).toBeUndefined();
      expect(demux.stats.trackedRequests).toBe(0);
    });

    it('does not track requests of turns nobody routes', () => {
      demux.noteRequest('7', 'tu-unknown');
      expect(demux.stats.trackedRequests).toBe(0);
      expect(demux.takeRequestTurn('7')).toBeUndefined();
    });

    it('returns undefined for unknown requests', () => {
      expect(demux.takeRequestTurn('nope')).toBeUndefined();
    });
  });

  describe('failAll', () => {
    it('errors every bound route and every claim once, with the same error, and forgets everything', () => {
      const bound = new RecordingSink();
      const claimed = new RecordingSink();
      const twoClaims = new RecordingSink();
      demux.claim('th1', bound).bind('tu1');
      demux.claim('th2', claimed);
      demux.claim('th3', twoClaims);
      demux.claim('th4', twoClaims);
      demux.dispatch(m(1), 'th2', 'tu2');
      demux.noteRequest('r', 'tu1');
      const error = new Error('gone');
      demux.failAll(error);
      expect(bound.errors).toEqual([error]);
      expect(claimed.errors).toEqual([error]);
      expect(twoClaims.errors).toEqual([error]);
      expect(bound.errors[0]).toBe(error);
      expect(demux.stats).toEqual(ZERO);
      expect(demux.dispatch(m(2), 'th1', 'tu1')).toBe(false);
      expect(bound.got).toEqual([]);
    });

    it('errors a sink that is both bound and claiming only once', () => {
      const s = new RecordingSink();
      demux.claim('th1', s).bind('tu1');
      demux.claim('th1', s);
      demux.failAll('x');
      expect(s.errors).toEqual(['x']);
    });
  });

  describe('deltas routed past their route', () => {
    it('go to the direct sink only while the routed sink says so, and only that sink may say so', () => {
      const route = new RecordingSink();
      const direct = new RecordingSink();
      const stranger = new RecordingSink();
      demux.routeDeltas('tu1', route, direct); // not routed yet: ignored
      expect(demux.deliverDelta(m(0), 'tu1')).toBe(false);
      demux.claim('th1', route).bind('tu1');
      demux.routeDeltas('tu1', route, direct);
      demux.routeDeltas('tu1', stranger, undefined); // not the route of tu1: ignored
      expect(demux.deliverDelta(m(1), 'tu1')).toBe(true);
      demux.routeDeltas('tu1', route, undefined);
      expect(demux.deliverDelta(m(2), 'tu1')).toBe(false);
      demux.routeDeltas('tu1', route, direct);
      demux.remove('tu1', route);
      expect(demux.deliverDelta(m(3), 'tu1')).toBe(false);
      expect(direct.got).toEqual([1]);
      expect(route.got).toEqual([]);
    });

    it('stop when the connection fails', () => {
      const route = new RecordingSink();
      const direct = new RecordingSink();
      demux.claim('th1', route).bind('tu1');
      demux.routeDeltas('tu1', route, direct);
      demux.failAll('x');
      expect(demux.deliverDelta(m(1), 'tu1')).toBe(false);
      expect(direct.got).toEqual([]);
    });
  });

  it('stats return to zero after a full life cycle', () => {
    const a = new RecordingSink();
    const b = new RecordingSink();
    const ca = demux.claim('th1', a);
    const cb = demux.claim('th2', b);
    demux.dispatch(m(1), 'th1', 'tu1');
    demux.dispatch(m(2), 'th2', 'tu2');
    demux.dispatch(m(3), 'th2', 'other');
    ca.bind('tu1');
    demux.noteRequest('r1', 'tu1');
    cb.release();
    demux.takeRequestTurn('r1');
    demux.noteRequest('r2', 'tu1');
    demux.remove('tu1', a);
    expect(demux.stats).toEqual(ZERO);
  });
});
