import { firstValueFrom, lastValueFrom, NEVER, of, Subscriber, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { answerServerRequest, type AnsweringHost } from '../../lib/approvals/answering.js';
import type { ApprovalFailureKind, ApprovalHandler, PendingServerRequest } from '../../lib/approvals/server-request-types.js';
import { LEGACY_CURRENT_TIME, safeAnswer } from '../../lib/approvals/safe-answers.js';
import { MethodNotFoundError, ValidationError } from '../../lib/errors.js';
import { isAsyncAnswer } from '../../lib/rpc/async-answer.js';
import { wait } from '../../lib/rpc/wait.js';
import type { ServerRequestMessage } from '../../lib/protocol/methods.js';

// answerServerRequest (lib/approvals/answering.ts): the part of the router a page loads with the
// first server request. Driven here with a host of our own; the router itself: approval-router.spec.ts.

const COMMAND = {
  id: 7,
  method: 'item/commandExecution/requestApproval',
  params: { threadId: 'thr', turnId: 'turn', itemId: 'item', startedAtMs: 0, command: 'ls', cwd: '/w', reason: null },
} as unknown as ServerRequestMessage;

function host(handlers: ApprovalHandler[], options: { timeoutMs?: number; observe?: boolean; scheduler?: TestScheduler } = {}) {
  const reports: Array<{ kind: ApprovalFailureKind; error: unknown }> = [];
  const seen: PendingServerRequest[] = [];
  const observers = new Set<Subscriber<PendingServerRequest>>();
  if (options.observe) observers.add(new Subscriber<PendingServerRequest>({ next: (r) => void seen.push(r), error: () => undefined, complete: () => undefined }));
  const h: AnsweringHost = {
    timeoutMs: options.timeoutMs,
    scheduler: options.scheduler,
    handlersFor: () => handlers,
    observers,
    waiting: new Set(),
    report: (kind, _request, _context, error) => reports.push({ kind, error }),
    shared: { safeAnswer, LEGACY_CURRENT_TIME, isAsyncAnswer, wait },
  };
  return { h, reports, seen };
}

const ids = { threadId: 'thr', turnId: 'turn' };

describe('answerServerRequest', () => {
  it('asks the handlers in order; the first that does not pass (undefined) answers, sync or async', async () => {
    const asked: string[] = [];
    const { h } = host([
      () => void asked.push('turn'),
      () => {
        asked.push('thread');
        return Promise.resolve(undefined); // passes, later
      },
      () => {
        asked.push('client');
        return of({ decision: 'accept' });
      },
    ]);
    await expect(lastValueFrom(answerServerRequest(h, COMMAND, ids).pipe(toArray()))).resolves.toEqual([{ decision: 'accept' }]);
    expect(asked).toEqual(['turn', 'thread', 'client']);
  });

  it('gives every handler the context: the ids, and a signal aborted once the answer is out', async () => {
    let signal: AbortSignal | undefined;
    const { h } = host([
      (_r, context) => {
        expect([context.threadId, context.turnId]).toEqual(['thr', 'turn']);
        signal = context.signal;
        return { decision: 'decline' };
      },
    ]);
    await firstValueFrom(answerServerRequest(h, COMMAND, ids));
    expect(signal?.aborted).toBe(true);
  });

  it.each([
    ['throws', (() => {
      throw new Error('boom');
    }) as ApprovalHandler, 'handler-error'],
    ['errors asynchronously', (() => throwError(() => new Error('late boom'))) as ApprovalHandler, 'handler-error'],
    ['answers a malformed result', (() => ({ decision: 'yes' })) as unknown as ApprovalHandler, 'invalid-answer'],
  ] as const)('a handler that %s gets the safe default sent, and is reported', async (_what, handler, kind) => {
    const { h, reports } = host([handler]);
    await expect(firstValueFrom(answerServerRequest(h, COMMAND, ids))).resolves.toEqual({ decision: 'decline' });
    expect(reports.map((r) => r.kind)).toEqual([kind]);
    if (kind === 'invalid-answer') expect(ValidationError.is(reports[0]!.error)).toBe(true);
  });

  it('checks an answer to the legacy currentTime/read (no schema since 0.171.0) with the rule the router hands over', async () => {
    const legacy = { id: 9, method: LEGACY_CURRENT_TIME, params: { threadId: 'thr' } } as unknown as ServerRequestMessage;
    const { h, reports } = host([() => ({ currentTimeAt: 'now' }) as never]);
    const answer = (await firstValueFrom(answerServerRequest(h, legacy, ids))) as { currentTimeAt: unknown };
    expect(typeof answer.currentTimeAt).toBe('number'); // the safe default: the client's clock
    expect(reports.map((r) => r.kind)).toEqual(['invalid-answer']);
  });

  it('with no handler and nobody observing: the safe default, or MethodNotFoundError where none exists', async () => {
    await expect(firstValueFrom(answerServerRequest(host([]).h, COMMAND, ids))).resolves.toEqual({ decision: 'decline' });
    const refresh = { id: 8, method: 'account/chatgptAuthTokens/refresh', params: {} } as unknown as ServerRequestMessage;
    await expect(firstValueFrom(answerServerRequest(host([]).h, refresh, {}))).rejects.toThrow(MethodNotFoundError);
  });

  it('with observers, the request waits for respond(): checked, once; gone after the answer is no longer wanted', async () => {
    const { h, seen } = host([], { observe: true });
    const answer = firstValueFrom(answerServerRequest(h, COMMAND, ids));
    expect(seen).toHaveLength(1);
    const pending = seen[0]!;
    expect([pending.id, pending.method, pending.threadId, pending.turnId, pending.answered]).toEqual([7, COMMAND.method, 'thr', 'turn', false]);
    expect(pending.is('item/commandExecution/requestApproval')).toBe(true);
    expect(pending.is('item/fileChange/requestApproval')).toBe(false);
    expect(() => pending.respond({ decision: 'maybe' } as never)).toThrow(ValidationError);
    expect(pending.answered).toBe(false);
    expect(h.waiting.size).toBe(1);
    pending.respond({ decision: 'accept' });
    await expect(answer).resolves.toEqual({ decision: 'accept' });
    expect(pending.answered).toBe(true);
    expect(h.waiting.size).toBe(0);
    expect(() => pending.respond({ decision: 'accept' })).toThrow(/already answered/);

    const gone = host([], { observe: true });
    answerServerRequest(gone.h, COMMAND, ids).subscribe().unsubscribe();
    expect(() => gone.seen[0]!.respond({ decision: 'accept' })).toThrow(/no longer pending/);
  });

  it('after timeoutMs without an answer: the safe default, reported as a timeout', () => {
    const scheduler = new TestScheduler((a, b) => expect(a).toEqual(b));
    const { h, reports } = host([() => NEVER], { timeoutMs: 50, scheduler });
    scheduler.run(({ expectObservable }) => {
      expectObservable(answerServerRequest(h, COMMAND, ids)).toBe('50ms (a|)', { a: { decision: 'decline' } });
    });
    expect(reports.map((r) => r.kind)).toEqual(['timeout']);
  });
});
