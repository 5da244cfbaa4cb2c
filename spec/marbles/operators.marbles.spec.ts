/**
 * The operators over turn streams, in virtual time: agentText, ofMethod, toTurnResult,
 * turnProgress and retryOnOverload (its backoff is timed here, in virtual milliseconds).
 */
import { defer, map, type Observable } from 'rxjs';
import type { TestScheduler } from 'rxjs/testing';
import { agentText } from '../../lib/operators/agent-text.js';
import { ofMethod } from '../../lib/operators/of-method.js';
import { retryOnOverload } from '../../lib/operators/retry-on-overload.js';
import { turnProgress } from '../../lib/operators/turn-progress.js';
import { CodexError, InvalidParamsError, RetryLimitExceededError, ServerBusyError, TurnFailedError } from '../../lib/errors.js';
import { toTurnResult } from '../../lib/turn/turn-result.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, commandExecutionItem, itemCompleted, itemStarted, serverRequestResolved, tokenUsage, tokenUsageUpdated, turnCompleted, turnError, turnStarted, userMessageItem } from '../../lib/testing/index.js';
import { createClient } from '../support/hand-server.js';
import { anError, expectIdle, testScheduler } from '../support/expectations.js';

/** Token usage of `total` tokens, 10 of them output. */
const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

const userItem = userMessageItem('user-1', 'Write a haiku');
const commentary = agentMessageItem('msg-1', 'Old pond.', 'commentary');
const answer = agentMessageItem('msg-2', 'Frog jumps', 'final_answer');

/** A turn's events, by marble letter. */
const ev: Record<string, TurnNotification> = {
  s: turnStarted(),
  u: itemCompleted(userItem),
  a: agentMessageDelta('msg-1', 'Old '),
  b: agentMessageDelta('msg-1', 'pond'),
  A: itemCompleted(commentary),
  d: agentMessageDelta('msg-2', 'Frog '),
  e: agentMessageDelta('msg-2', 'jumps'),
  E: itemCompleted(answer),
  x: itemStarted(commandExecutionItem('cmd-1', 'ls', { status: 'inProgress' })),
  X: itemCompleted(commandExecutionItem('cmd-1', 'ls')),
  t: tokenUsageUpdated(usage(100)),
  T: tokenUsageUpdated(usage(250)),
  c: turnCompleted(DEFAULT_TURN_REF, 'completed'),
  i: turnCompleted(DEFAULT_TURN_REF, 'interrupted'),
  f: turnCompleted(DEFAULT_TURN_REF, 'failed', turnError('quota exceeded')),
};

let scheduler: TestScheduler;
beforeEach(() => {
  scheduler = testScheduler();
});

describe('agentText()', () => {
  it('emits the running text, resets per item, and the final text when it differs', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn$ = cold('  -s-a-b-x-A-d-e-E-c|', ev);
      const expected = '    ---1-2---3-4-5----|';
      const sub = '         ^-----------------!';
      expectObservable(turn$.pipe(agentText())).toBe(expected, { 1: 'Old ', 2: 'Old pond', 3: 'Old pond.', 4: 'Frog ', 5: 'Frog jumps' });
      expectSubscriptions(turn$.subscriptions).toBe(sub);
    });
  });

  it('emits a completed message that had no deltas', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -E-|', ev);
      const expected = '    -1-|';
      expectObservable(turn$.pipe(agentText())).toBe(expected, { 1: 'Frog jumps' });
    });
  });

  it('passes errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -a-#', ev, new CodexError('gone'));
      const expected = '    -1-#';
      expectObservable(turn$.pipe(agentText())).toBe(expected, { 1: 'Old ' }, new CodexError('gone'));
    });
  });
});

describe('ofMethod()', () => {
  it('keeps only the named methods, in order', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-a-x-b-X-t-c|', ev);
      const expected = '    ---a---b------|';
      expectObservable(turn$.pipe(ofMethod('item/agentMessage/delta'))).toBe(expected, ev);
    });
  });

  it('keeps several methods', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-a-x-b-X-t-c|', ev);
      const expected = '    -s-----------c|';
      expectObservable(turn$.pipe(ofMethod('turn/started', 'turn/completed'))).toBe(expected, ev);
    });
  });

  it('narrows the type to the kept methods', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -a-s-b|', ev);
      const expected = '    -1---2|';
      const deltas$: Observable<string> = turn$.pipe(
        ofMethod('item/agentMessage/delta'),
        map((d) => d.params.delta), // compiles only if d is narrowed
      );
      expectObservable(deltas$).toBe(expected, { 1: 'Old ', 2: 'pond' });
    });
  });
});

describe('toTurnResult()', () => {
  it('emits one result on turn/completed, completes, and leaves the source there', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const turn$ = cold('  -s-u-a-A-t-E-T-c-|', ev);
      const expected = '    ---------------(r|)';
      const sub = '         ^--------------!';
      expectObservable(turn$.pipe(toTurnResult())).toBe(expected, {
        r: expect.objectContaining({
          id: FAKE_TURN_ID,
          threadId: FAKE_THREAD_ID,
          status: 'completed',
          finalResponse: 'Frog jumps',
          items: [userItem, commentary, answer],
          usage: usage(250),
          durationMs: 3_000,
        }),
      });
      expectSubscriptions(turn$.subscriptions).toBe(sub);
    });
  });

  it('emits status interrupted for an interrupted turn', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-a-i|', ev);
      const expected = '    -----(r|)';
      expectObservable(turn$.pipe(toTurnResult())).toBe(expected, { r: expect.objectContaining({ status: 'interrupted', finalResponse: null, items: [] }) });
    });
  });

  it('errors with TurnFailedError carrying the turn error for a failed turn', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-f|', ev);
      const expected = '    ---#';
      const error = anError(TurnFailedError, { turnId: FAKE_TURN_ID, threadId: FAKE_THREAD_ID, turnError: turnError('quota exceeded') });
      expectObservable(turn$.pipe(toTurnResult())).toBe(expected, undefined, error);
    });
  });

  it('errors with CodexError when the stream ends before turn/completed', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-a-|', ev);
      const expected = '    -----#';
      expectObservable(turn$.pipe(toTurnResult())).toBe(expected, undefined, anError(CodexError, { message: 'the turn stream ended before turn/completed' }));
    });
  });

  it('passes source errors through', () => {
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-#', ev, new InvalidParamsError(-32602, 'bad', undefined, 'turn/start'));
      const expected = '    ---#';
      expectObservable(turn$.pipe(toTurnResult())).toBe(expected, undefined, anError(InvalidParamsError, { code: -32602 }));
    });
  });
});

describe('turnProgress()', () => {
  it('emits one snapshot per event', () => {
    const q = commandApprovalRequest(9, 'cmd-1', 'rm -rf build');
    const r = serverRequestResolved(9);
    scheduler.run(({ cold, expectObservable }) => {
      const turn$ = cold('  -s-x-q-r-X-a-c|', { ...ev, q, r });
      const expected = '    -1-2-3-4-5-6-7|';
      const progress$ = turn$.pipe(
        turnProgress(),
        map((p) => `${p.status}|${p.items.map((i) => `${i.id}:${i.status}`).join(',')}|${p.text}|${p.pendingRequests.length}`),
      );
      expectObservable(progress$).toBe(expected, {
        1: 'inProgress|||0',
        2: 'inProgress|cmd-1:inProgress||0',
        3: 'inProgress|cmd-1:inProgress||1',
        4: 'inProgress|cmd-1:inProgress||0',
        5: 'inProgress|cmd-1:completed||0',
        6: 'inProgress|cmd-1:completed,msg-1:inProgress|Old |0',
        7: 'completed|cmd-1:completed,msg-1:incomplete|Old |0',
      });
    });
  });
});

describe('retryOnOverload()', () => {
  const busy = (n = 1) => new ServerBusyError(-32001, `Server overloaded; retry later (${n})`, undefined, 'model/list');
  const quick = { jitterRatio: 0 };

  it('resubscribes after ServerBusyError with 250 then 500 ms, then gives up after maxAttempts', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -#', undefined, busy());
      const subs = ['       ^!', '251ms ^!', '752ms ^!'];
      const expected = '    753ms #';
      expectObservable(source.pipe(retryOnOverload(quick))).toBe(expected, undefined, busy());
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('caps each delay at maxDelayMs', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -#', undefined, busy());
      const subs = ['       ^!', '251ms ^!', '552ms ^!', '853ms ^!'];
      const expected = '    854ms #';
      expectObservable(source.pipe(retryOnOverload({ ...quick, maxAttempts: 4, maxDelayMs: 300 }))).toBe(expected, undefined, busy());
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('applies jitter from the random source', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -#', undefined, busy());
      // 250 ms × (1 + 0.2 × (0.75 × 2 − 1)) = 275 ms
      const subs = ['       ^!', '276ms ^!'];
      const expected = '    277ms #';
      expectObservable(source.pipe(retryOnOverload({ maxAttempts: 2, random: () => 0.75 }))).toBe(expected, undefined, busy());
      expectSubscriptions(source.subscriptions).toBe(subs);
    });
  });

  it('gives up with the last error', () => {
    scheduler.run(({ cold, expectObservable }) => {
      let attempt = 0;
      const source = defer(() => {
        attempt++;
        return cold('-#', undefined, busy(attempt));
      });
      expectObservable(source.pipe(retryOnOverload(quick))).toBe('753ms #', undefined, anError(ServerBusyError, { message: busy(3).message }));
    });
  });

  it('emits the value of the first attempt that succeeds', () => {
    scheduler.run(({ cold, expectObservable }) => {
      let attempt = 0;
      const source = defer(() => (++attempt === 1 ? cold('-#', undefined, busy()) : cold('--a|')));
      expectObservable(source.pipe(retryOnOverload(quick))).toBe('253ms a|');
    });
  });

  it.each([
    ['InvalidParamsError', new InvalidParamsError(-32602, 'bad params', undefined, 'model/list')],
    ['RetryLimitExceededError', new RetryLimitExceededError(-32001, 'retry limit reached', undefined, 'model/list')],
    ['a plain Error', new Error('boom')],
  ])('passes %s through at once, without resubscribing', (_name, error) => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -#', undefined, error);
      const expected = '    -#';
      const sub = '         ^!';
      expectObservable(source.pipe(retryOnOverload(quick))).toBe(expected, undefined, error);
      expectSubscriptions(source.subscriptions).toBe(sub);
    });
  });

  it('does not resubscribe once the consumer left during the backoff', () => {
    scheduler.run(({ cold, expectObservable, expectSubscriptions }) => {
      const source = cold(' -#', undefined, busy());
      const unsub = '       ^--!';
      const expected = '    ---';
      const sourceSub = '   ^!';
      expectObservable(source.pipe(retryOnOverload(quick)), unsub).toBe(expected);
      expectSubscriptions(source.subscriptions).toBe(sourceSub);
    });
  });

  it('sends the request anew on each attempt over a connection', () => {
    const { codex, transport, server } = createClient();
    let calls = 0;
    transport.onRequest('model/list', () => {
      if (++calls < 3) throw { code: -32001, message: 'Server overloaded; retry later' };
      return { data: [], nextCursor: null };
    });
    scheduler.run(({ expectObservable }) => {
      const models$ = codex.models().pipe(retryOnOverload(quick));
      expectObservable(models$).toBe('750ms (m|)', { m: { data: [], nextCursor: null } });
    });
    expect(server.requests('model/list')).toHaveLength(3);
    expectIdle(codex);
  });
});
