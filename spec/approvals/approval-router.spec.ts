import { firstValueFrom, lastValueFrom, of, Subject, toArray, type Observable } from 'rxjs';
import { Answers } from '../../lib/approvals/answers';
import { ApprovalRouter, type ApprovalFailure, type ApprovalHandler, type PendingServerRequest } from '../../lib/approvals/approval-router';
import { CodexError, MethodNotFoundError, ValidationError } from '../../lib/errors';
import type { MessageIds } from '../../lib/protocol/ids';
import type { WireRequest } from '../../lib/rpc/message';

const APPROVAL = 'item/commandExecution/requestApproval';

/** A command approval of `threadId`/`turnId`, as the connection hands it to the router. */
function approval(id: number, ids: MessageIds = { threadId: 'thr-1', turnId: 'turn-1' }): [WireRequest, MessageIds] {
  return [{ id, method: APPROVAL, params: { threadId: ids.threadId, turnId: ids.turnId, itemId: `call_${id}` } }, ids];
}

/** Every value `handle` yields for one request, or its error. */
async function answersOf(router: ApprovalRouter, [wire, ids]: [WireRequest, MessageIds]): Promise<unknown[]> {
  return lastValueFrom(router.handle(wire, ids).pipe(toArray()));
}

/** A handler that answers `decision` and records that `name` was asked. */
function deciding(name: string, asked: string[], decision: 'accept' | 'acceptForSession' | 'decline' | 'cancel' = 'accept'): ApprovalHandler {
  return () => {
    asked.push(name);
    return { decision };
  };
}

function failuresOf(router: ApprovalRouter): ApprovalFailure[] {
  const out: ApprovalFailure[] = [];
  router.failures$.subscribe((f) => out.push(f));
  return out;
}

describe('ApprovalRouter', () => {
  describe('construction and registration refuse what is not a handler', () => {
    it.each([
      ['a string handler', () => new ApprovalRouter('accept' as never, undefined), 'approvalHandler'],
      ['a negative timeout', () => new ApprovalRouter(undefined, -1), 'approvalTimeoutMs'],
      ['an infinite timeout', () => new ApprovalRouter(undefined, Infinity), 'approvalTimeoutMs'],
      ['a string timeout', () => new ApprovalRouter(undefined, '10' as never), 'approvalTimeoutMs'],
      ['forThread(non-function)', () => new ApprovalRouter(undefined, undefined).forThread('thr-1', {} as never), 'approvalHandler'],
      ['forTurn(undefined)', () => new ApprovalRouter(undefined, undefined).forTurn('turn-1', undefined as never), 'approvalHandler'],
      ['forStartingTurn(null)', () => new ApprovalRouter(undefined, undefined).forStartingTurn('thr-1', null as never), 'approvalHandler'],
    ])('%s → ValidationError naming the field', (_, make, path) => {
      let error: unknown;
      try {
        make();
      } catch (e) {
        error = e;
      }
      expect(ValidationError.is(error)).toBe(true);
      expect((error as ValidationError).issues).toEqual([{ path, message: expect.stringMatching(/^must be/) }]);
    });

    it('no handler and timeout 0 (= wait) are fine', () => {
      expect(() => new ApprovalRouter(undefined, 0)).not.toThrow();
    });
  });

  describe('precedence: turn → starting turn of the thread → thread → client → pending$ → safe default', () => {
    it('the most specific registered handler answers, and only it is asked', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(deciding('client', asked, 'decline'), undefined);
      router.forThread('thr-1', deciding('thread', asked, 'acceptForSession'));
      router.forStartingTurn('thr-1', deciding('starting', asked, 'cancel'));
      router.forTurn('turn-1', deciding('turn', asked, 'accept'));

      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'accept' }]);
      expect(asked).toEqual(['turn']);
    });

    it('a starting turn claims its thread’s requests of turns without a handler, not other threads’', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(deciding('client', asked, 'decline'), undefined);
      router.forThread('thr-1', deciding('thread', asked, 'acceptForSession'));
      router.forStartingTurn('thr-1', deciding('starting', asked, 'cancel'));
      router.forTurn('turn-known', deciding('turn', asked));

      expect(await answersOf(router, approval(1, { threadId: 'thr-1', turnId: 'turn-new' }))).toEqual([{ decision: 'cancel' }]);
      expect(await answersOf(router, approval(2, { threadId: 'thr-2', turnId: 'turn-x' }))).toEqual([{ decision: 'decline' }]);
      expect(await answersOf(router, approval(3, { threadId: 'thr-1', turnId: 'turn-known' }))).toEqual([{ decision: 'accept' }]);
      expect(asked).toEqual(['starting', 'client', 'turn']);
    });

    it('a request with no turn id skips turn-level handlers; one with no ids reaches only the client', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(deciding('client', asked, 'decline'), undefined);
      router.forThread('thr-1', deciding('thread', asked, 'acceptForSession'));
      router.forStartingTurn('thr-1', deciding('starting', asked, 'cancel'));
      expect(await answersOf(router, approval(1, { threadId: 'thr-1' }))).toEqual([{ decision: 'acceptForSession' }]);
      expect(await answersOf(router, approval(2, {}))).toEqual([{ decision: 'decline' }]);
      expect(asked).toEqual(['thread', 'client']);
    });

    it('undefined passes down the levels in order; the same handler at several levels is asked once', async () => {
      const asked: string[] = [];
      const passing = (name: string): ApprovalHandler => () => void asked.push(name);
      const shared = passing('shared');
      const router = new ApprovalRouter(shared, undefined);
      router.forTurn('turn-1', passing('turn'));
      router.forThread('thr-1', shared);
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'decline' }]); // safe default
      expect(asked).toEqual(['turn', 'shared']);
    });

    it('an undo removes its own registration only, not a newer one for the same key', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(undefined, undefined);
      const undoOld = router.forTurn('turn-1', deciding('old', asked));
      const undoNew = router.forTurn('turn-1', deciding('new', asked, 'cancel'));
      undoOld();
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'cancel' }]);
      undoNew();
      undoNew(); // twice is harmless
      expect(await answersOf(router, approval(2))).toEqual([{ decision: 'decline' }]);
      expect(asked).toEqual(['new']);
    });
  });

  describe('ids the server chose twice (two turns started at once share one turn id; a thread resumed twice)', () => {
    it.each([
      ['turn', (r: ApprovalRouter, h: ApprovalHandler) => r.forTurn('turn-1', h)],
      ['thread', (r: ApprovalRouter, h: ApprovalHandler) => r.forThread('thr-1', h)],
      ['starting turn', (r: ApprovalRouter, h: ApprovalHandler) => r.forStartingTurn('thr-1', h)],
    ])('%s: the newer registration answers; when it leaves, the older one answers again', async (_, register) => {
      const asked: string[] = [];
      const router = new ApprovalRouter(undefined, undefined);
      const undoFirst = register(router, deciding('first', asked, 'accept'));
      const undoSecond = register(router, deciding('second', asked, 'cancel'));
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'cancel' }]);
      undoSecond();
      expect(await answersOf(router, approval(2))).toEqual([{ decision: 'accept' }]);
      undoFirst();
      expect(await answersOf(router, approval(3))).toEqual([{ decision: 'decline' }]);
      expect(asked).toEqual(['second', 'first']);
    });

    it('the newer one passing (undefined) leaves the request to the older one before the next level', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(deciding('client', asked, 'decline'), undefined);
      router.forTurn('turn-1', deciding('first', asked, 'acceptForSession'));
      router.forTurn('turn-1', () => void asked.push('second'));
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'acceptForSession' }]);
      expect(asked).toEqual(['second', 'first']);
    });

    it('the same handler registered twice for one id stays until both registrations are undone', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(undefined, undefined);
      const handler = deciding('turn', asked);
      const undoA = router.forTurn('turn-1', handler);
      const undoB = router.forTurn('turn-1', handler);
      undoA();
      undoA();
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'accept' }]);
      undoB();
      expect(await answersOf(router, approval(2))).toEqual([{ decision: 'decline' }]);
    });
  });

  describe('handle(): exactly one answer per request', () => {
    it('the context carries the ids, and its signal aborts once the answer is out', async () => {
      let signal: AbortSignal | undefined;
      const router = new ApprovalRouter((_, context) => {
        expect(context).toMatchObject({ threadId: 'thr-1', turnId: 'turn-1' });
        signal = context.signal;
        expect(signal.aborted).toBe(false);
        return of(Answers.accept(), Answers.decline());
      }, undefined);
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'accept' }]);
      expect(signal!.aborted).toBe(true);
    });

    it('nothing is asked before subscription (cold), and each subscription asks anew', async () => {
      const asked: string[] = [];
      const router = new ApprovalRouter(deciding('client', asked), undefined);
      const [wire, ids] = approval(1);
      const answer$ = router.handle(wire, ids);
      expect(asked).toEqual([]);
      await firstValueFrom(answer$);
      await firstValueFrom(answer$);
      expect(asked).toEqual(['client', 'client']);
    });

    it('a malformed answer becomes the safe default, reported with the path of the mistake', async () => {
      const router = new ApprovalRouter(() => ({ decision: 'yes' }) as never, undefined);
      const failures = failuresOf(router);
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'decline' }]);
      expect(failures).toHaveLength(1);
      expect(failures[0]).toMatchObject({ kind: 'invalid-answer', threadId: 'thr-1', turnId: 'turn-1', request: { id: 1, method: APPROVAL } });
      const error = failures[0]!.error as ValidationError;
      expect(ValidationError.is(error)).toBe(true);
      expect(error.subject).toBe(`answer to ${APPROVAL}`);
      expect(error.issues).toEqual([{ path: 'decision', message: expect.stringContaining('got "yes"') }]);
    });

    it('a method without a safe answer errors with MethodNotFoundError (→ JSON-RPC -32601)', async () => {
      const router = new ApprovalRouter(undefined, undefined);
      const error = await answersOf(router, [{ id: 1, method: 'account/chatgptAuthTokens/refresh', params: {} }, {}]).catch((e: unknown) => e);
      expect(MethodNotFoundError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: -32601 });
    });

    it('with a deadline, a silent handler gets the safe default and a timeout failure', async () => {
      const router = new ApprovalRouter(() => new Subject<never>() as Observable<never>, 5);
      const failures = failuresOf(router);
      expect(await answersOf(router, approval(1))).toEqual([{ decision: 'decline' }]);
      expect(failures).toEqual([expect.objectContaining({ kind: 'timeout', error: expect.any(CodexError) })]);
    });
  });

  describe('pending$: requests nobody claimed, while observed', () => {
    it('waits for respond(); a late observer first gets what is still waiting; a bad answer throws with its path', async () => {
      const router = new ApprovalRouter(undefined, undefined);
      const early: PendingServerRequest[] = [];
      const sub = router.pending$.subscribe((p) => early.push(p));
      const [wire, ids] = approval(1);
      const answers: unknown[] = [];
      router.handle(wire, ids).subscribe((a) => answers.push(a));
      expect(early.map((p) => p.id)).toEqual([1]);

      const late: PendingServerRequest[] = [];
      router.pending$.subscribe((p) => late.push(p)).unsubscribe();
      expect(late).toEqual([early[0]]);

      const pending = early[0]!;
      let error: unknown;
      try {
        pending.respond({ decision: 'sure' } as never);
      } catch (e) {
        error = e;
      }
      expect(ValidationError.is(error)).toBe(true);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual(['decision']);
      expect(pending.answered).toBe(false);

      pending.respond(Answers.acceptForSession());
      expect(answers).toEqual([{ decision: 'acceptForSession' }]);
      expect(pending.answered).toBe(true);

      const after: PendingServerRequest[] = [];
      router.pending$.subscribe((p) => after.push(p)).unsubscribe();
      expect(after).toEqual([]); // answered requests are not replayed
      sub.unsubscribe();
    });

    it('unsubscribing the answer (connection closed) makes respond() throw, not send', () => {
      const router = new ApprovalRouter(undefined, undefined);
      const received: PendingServerRequest[] = [];
      router.pending$.subscribe((p) => received.push(p));
      const [wire, ids] = approval(1);
      const answers: unknown[] = [];
      router.handle(wire, ids).subscribe((a) => answers.push(a)).unsubscribe();
      expect(() => received[0]!.respond(Answers.accept())).toThrow(/no longer pending/);
      expect(received[0]!.answered).toBe(true);
      expect(answers).toEqual([]);
    });
  });
});
