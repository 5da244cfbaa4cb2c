/**
 * Two `turn/start` on one thread answered with the SAME turn id — what the real app-server does
 * when a turn is already starting or running: it folds the second input into that turn. Both
 * subscribers must follow the turn to its end. The `script` marble is the app-server: `a`/`b`
 * answer the first/second turn/start with turn-1, other letters deliver notifications.
 * The `sent` marble is what the client wrote (S = turn/start, I = turn/interrupt).
 */
import type { Observable } from 'rxjs';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import type { TurnResult } from '../../lib/turn/turn-result.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, itemCompleted, turnCompleted, turnStartResponse, userMessageItem } from '../../lib/testing/index.js';
import { createClient, openThread } from '../support/hand-server.js';
import { expectIdle } from '../support/expectations.js';
import { threadBench, TURN_NOTIFICATIONS, type HotFn, type Step } from '../support/thread-bench.js';

/** The notifications of turn-1 by marble letter, and `m`: the second input, folded into it. */
const n = { ...TURN_NOTIFICATIONS, m: itemCompleted(userMessageItem('user-2', 'and also this')) };

const SENT = { S: 'turn/start', I: 'turn/interrupt' };

describe('two turn/start answered with one turn id (marbles)', () => {
  const b = threadBench({ expectNoActiveTurn: true });

  /** Answers the `nth` turn/start (0-based, in the order sent) with turn-1. */
  const answer = (nth: number) => () => b.transport.respond(b.server.requests('turn/start')[nth]!.id!, turnStartResponse());

  const serve = (hot: HotFn, marble: string, extra: Record<string, Step> = {}) => b.serve(hot, marble, { ...n, a: answer(0), b: answer(1), ...extra });

  const sent$ = b.sent$;

  it('the second answer arrives mid-turn: the joiner gets a replay (no deltas), then both follow to the end', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --a-s-d-b-e-i-c';
      const expected1 = '----s-d---e-i-(c|)';
      const expected2 = '--------s-e-i-(c|)';
      const sent = '     (SS)';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('first')).toBe(expected1, n);
      expectObservable(b.thread.turn('second')).toBe(expected2, n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([]);
    expectIdle(b.codex);
  });

  it('both answers arrive after turn/completed: the first gets what was held, the second a replay; both complete', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --s-d-i-c-a-b';
      const expected1 = '----------(sdic|)';
      const expected2 = '------------(sic|)';
      serve(hot, script);
      expectObservable(b.thread.turn('first')).toBe(expected1, n);
      expectObservable(b.thread.turn('second')).toBe(expected2, n);
    });
    expectIdle(b.codex);
  });

  it('the answers arrive in reverse order', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --s-b-d-a-i-c';
      const expected1 = '--------s-i-(c|)';
      const expected2 = '----s-d---i-(c|)';
      serve(hot, script);
      expectObservable(b.thread.turn('first')).toBe(expected1, n);
      expectObservable(b.thread.turn('second')).toBe(expected2, n);
    });
    expectIdle(b.codex);
  });

  it('run(): each subscriber gets the same TurnResult (items, usage and final response of the whole turn)', () => {
    const results: TurnResult[][] = [[], []];
    b.scheduler.run(({ hot }) => {
      serve(hot, '--a-s-m-t-d-i-u-b-c');
      b.thread.run('first').subscribe((r) => results[0]!.push(r));
      b.thread.run('second').subscribe((r) => results[1]!.push(r));
    });
    expect(results[0]).toHaveLength(1);
    expect(results[1]).toEqual(results[0]);
    expect(results[0]![0]).toMatchObject({ id: FAKE_TURN_ID, threadId: FAKE_THREAD_ID, status: 'completed', finalResponse: 'Hello', usage: n.u.params.tokenUsage });
    expect(results[0]![0]!.items.map((i) => i.id)).toEqual(['user-2', 'msg-1']);
    expectIdle(b.codex);
  });

  it('one subscriber leaving does not interrupt the turn while the other follows it', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --a-b-s-d-e-c';
      const sub1 = '     ^------!';
      const expected1 = '------s-';
      const expected2 = '------s-d-e-(c|)';
      const sent = '     (SS)------';
      serve(hot, script);
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('first'), sub1).toBe(expected1, n);
      expectObservable(b.thread.turn('second')).toBe(expected2, n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([]);
    expectIdle(b.codex);
  });

  it('the last one leaving interrupts the turn, once', () => {
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --a-b-s-d---c';
      const sub1 = '     ^------!';
      const sub2 = '     ^--------!';
      const sent = '     (SS)-----I--';
      serve(hot, script, { c: turnCompleted(DEFAULT_TURN_REF, 'interrupted') });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('first'), sub1).toBe('------s-', n);
      expectObservable(b.thread.turn('second'), sub2).toBe('------s-d-', n);
    });
    expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
    expectIdle(b.codex);
  });

  it('a start answered after the only follower left joins the interrupted turn and sees it end', () => {
    const c = turnCompleted(DEFAULT_TURN_REF, 'interrupted');
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --a-s-d-b-c';
      const sub1 = '     ^----!';
      const sent = '     (SS)-I';
      serve(hot, script, { c });
      expectObservable(sent$()).toBe(sent, SENT);
      expectObservable(b.thread.turn('first'), sub1).toBe('----s', n);
      expectObservable(b.thread.turn('second')).toBe('--------s-(c|)', { ...n, c });
    });
    expect(b.server.paramsOf('turn/interrupt')).toHaveLength(1);
    expectIdle(b.codex);
  });

  it('a second start answered with another turn id gets its own turn; the first route is released', () => {
    const B = () => b.transport.respond(b.server.requests('turn/start')[1]!.id!, turnStartResponse('turn-2'));
    const C = turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-2' }, 'completed', null);
    b.scheduler.run(({ hot, expectObservable }) => {
      const script = '   --a-s-c-B-C';
      serve(hot, script, { B, C });
      expectObservable(b.thread.turn('first')).toBe('----s-(c|)', n);
      expectObservable(b.thread.turn('second')).toBe('----------(C|)', { C });
    });
    expectIdle(b.codex);
  });
});

describe('two turn/start answered with one turn id, in every order', () => {
  const events = ['s', 't', 'd', 'm', 'e', 'i', 'u', 'c'] as const;
  type Step = (typeof events)[number] | 'a' | 'b';

  /** Every placement of the two answers among the turn's notifications (either answer first). */
  function orders(): Step[][] {
    const out: Step[][] = [];
    for (let i = 0; i <= events.length; i++) {
      for (let j = 0; j <= events.length; j++) {
        for (const firstA of i === j ? [true, false] : [true]) {
          const seq: Step[] = [];
          for (let k = 0; k <= events.length; k++) {
            const here: Step[] = [];
            if (k === i) here.push('a');
            if (k === j) here.push('b');
            if (i === j && !firstA) here.reverse();
            seq.push(...here);
            if (k < events.length) seq.push(events[k]!);
          }
          out.push(seq);
        }
      }
    }
    return out;
  }

  /** What a subscriber answered at `answeredAt` sees: everything once bound; before that, nothing or the replay (no deltas). */
  function expectedFor(seq: Step[], self: 'a' | 'b'): string[] {
    const other = self === 'a' ? 'b' : 'a';
    const mine = seq.indexOf(self);
    const first = mine < seq.indexOf(other);
    return seq.filter((s, k) => s !== 'a' && s !== 'b' && (first || k > mine || (s !== 'd' && s !== 'e')));
  }

  it.each(orders().map((seq) => [seq.join(''), seq] as const))('%s', (_name, seq) => {
    const { codex, transport, server } = createClient();
    const thread = openThread(codex, transport);
    const seen: Record<'a' | 'b', string[]> = { a: [], b: [] };
    const done: Record<'a' | 'b', boolean> = { a: false, b: false };
    const letterOf = new Map<object, string>(Object.entries(n).map(([k, v]) => [v, k]));
    const follow = (who: 'a' | 'b', turn$: Observable<TurnNotification>) =>
      turn$.subscribe({
        next: (e) => seen[who].push(letterOf.get(e as object) ?? JSON.stringify(e)),
        error: (e) => {
          throw e;
        },
        complete: () => (done[who] = true),
      });
    follow('a', thread.turn('first'));
    follow('b', thread.turn('second'));
    const starts = server.requests('turn/start');
    expect(starts).toHaveLength(2);
    for (const step of seq) {
      if (step === 'a' || step === 'b') transport.respond(starts[step === 'a' ? 0 : 1]!.id!, turnStartResponse());
      else server.emit(n[step]);
    }
    expect(seen.a).toEqual(expectedFor(seq, 'a'));
    expect(seen.b).toEqual(expectedFor(seq, 'b'));
    expect(done).toEqual({ a: true, b: true });
    expect(server.paramsOf('turn/interrupt')).toEqual([]);
    expect(thread.activeTurn).toBeUndefined();
    expectIdle(codex);
    void codex.close();
  });
});
