import { filter, map, NEVER, type Observable } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { Answers } from '../../lib/approvals/answers';
import type { ApprovalHandler, PendingServerRequest } from '../../lib/approvals/approval-router';
import { Codex } from '../../lib/codex';
import type { CodexClientOptions } from '../../lib/codex-config';
import { turnProgress } from '../../lib/operators/turn-progress';
import type { Thread } from '../../lib/thread';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport';
import { commandApprovalParams, turnInfo, THREAD, TURN } from '../approvals/harness';

// Virtual time: the approval deadline (`timeout` on asyncScheduler) and handler Observables run
// on the TestScheduler; the InMemoryTransport delivers and records synchronously.

const APPROVAL = 'item/commandExecution/requestApproval';
const ACCEPT = Answers.accept();
const DECLINE = Answers.decline();

/** The running test's scheduler: the client's timers (approvalTimeoutMs) run on it. */
let clock: TestScheduler;

function newScheduler() {
  return (clock = new TestScheduler((actual, expected) => expect(actual).toEqual(expected)));
}

/** A connected Codex over a fake server (synchronous: call inside `run`). */
function connect(config: CodexClientOptions = {}) {
  const transport = new InMemoryTransport();
  transport.onRequest('thread/start', () => ({ thread: { id: THREAD } }));
  transport.onRequest('turn/start', () => ({ turn: turnInfo(TURN) }));
  const codex = new Codex({ ...config, transport, scheduler: clock });
  codex.connect().subscribe();
  const answers$: Observable<unknown> = transport.sent$.pipe(
    filter((m) => m.method === undefined),
    map((m) => (m.error ? { id: m.id, error: (m.error as { code: number }).code } : { id: m.id, result: m.result })),
  );
  let thread: Thread | undefined;
  codex.threadStart().subscribe((t) => (thread = t));
  return { transport, codex, answers$, thread: thread! };
}

describe('approvals in virtual time', () => {
  it('a handler slower than approvalTimeoutMs: the safe default at the deadline, a timeout failure, the late answer dropped', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, codex, answers$ } = connect({ approvalTimeoutMs: 50, approvalHandler: () => cold('80ms a', { a: ACCEPT }) });
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      expectObservable(answers$).toBe('52ms d', { d: { id: 0, result: DECLINE } });
      expectObservable(codex.approvalFailures$.pipe(map((f) => f.kind))).toBe('52ms t', { t: 'timeout' });
    });
  });

  it('an answer inside the deadline goes out when it comes', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, codex, answers$ } = connect({ approvalTimeoutMs: 50, approvalHandler: () => cold('10ms a', { a: ACCEPT }) });
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      expectObservable(answers$).toBe('12ms a', { a: { id: 0, result: ACCEPT } });
      expectObservable(codex.approvalFailures$).toBe('');
    });
  });

  it('an async pass (turn → undefined at 10 ms) hands over to the thread, whose answer comes 5 ms later', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const calls: string[] = [];
      const turnHandler: ApprovalHandler = () => {
        calls.push('turn');
        return cold('10ms (u|)', { u: undefined });
      };
      const threadHandler: ApprovalHandler = () => {
        calls.push('thread');
        return cold('5ms a', { a: ACCEPT });
      };
      const { transport, answers$, thread } = connect({ approvalHandler: () => ACCEPT });
      thread.setApprovalHandler(threadHandler);
      thread.turn('go', { approvalHandler: turnHandler }).subscribe();
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      expectObservable(answers$).toBe('17ms a', { a: { id: 0, result: ACCEPT } });
      cold('20ms x').subscribe(() => expect(calls).toEqual(['turn', 'thread']));
    });
  });

  it('the pending-request stream: answered from outside at 20 ms; a second respond throws; no failure', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, codex, answers$ } = connect({ approvalTimeoutMs: 100 });
      let pending: PendingServerRequest | undefined;
      codex.pendingRequests$.subscribe((p) => (pending = p));
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      cold('20ms x').subscribe(() => pending!.respond(Answers.accept()));
      const second: unknown[] = [];
      cold('30ms x').subscribe(() => {
        try {
          pending!.respond(Answers.decline());
        } catch (e) {
          second.push((e as Error).message);
        }
      });
      expectObservable(answers$).toBe('20ms a', { a: { id: 0, result: ACCEPT } });
      expectObservable(codex.approvalFailures$).toBe('');
      cold('40ms x').subscribe(() => expect(second).toEqual([expect.stringMatching(/already answered/)]));
    });
  });

  it('the pending-request stream: nobody answers, the deadline sends the safe default, respond() afterwards throws', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, codex, answers$ } = connect({ approvalTimeoutMs: 30 });
      let pending: PendingServerRequest | undefined;
      codex.pendingRequests$.subscribe((p) => (pending = p));
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      expectObservable(answers$).toBe('32ms d', { d: { id: 0, result: DECLINE } });
      cold('40ms x').subscribe(() => {
        expect(pending!.answered).toBe(true);
        expect(() => pending!.respond(Answers.accept())).toThrow(/no longer pending/);
      });
    });
  });

  it('no deadline: a handler that never answers leaves the request unanswered (until close)', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, answers$ } = connect({ approvalHandler: () => NEVER });
      cold('--x').subscribe(() => transport.emit({ id: 0, method: APPROVAL, params: commandApprovalParams() }));
      expectObservable(answers$, '^ 1000ms !').toBe('');
    });
  });

  it('the deadline also covers methods without a safe answer: JSON-RPC -32601 at the deadline', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, answers$ } = connect({ approvalTimeoutMs: 10, approvalHandler: () => NEVER });
      cold('--x').subscribe(() => transport.emit({ id: 5, method: 'account/chatgptAuthTokens/refresh', params: { reason: 'unauthorized' } }));
      expectObservable(answers$).toBe('12ms e', { e: { id: 5, error: -32601 } });
    });
  });

  it('turnProgress: a request is pending from its arrival until serverRequest/resolved', () => {
    newScheduler().run(({ cold, expectObservable }) => {
      const { transport, thread } = connect({ approvalHandler: () => cold('3ms a', { a: ACCEPT }) });
      const events = {
        s: { method: 'turn/started', params: { threadId: THREAD, turn: turnInfo(TURN) } },
        r: { id: 0, method: APPROVAL, params: commandApprovalParams() },
        v: { method: 'serverRequest/resolved', params: { threadId: THREAD, requestId: 0 } },
        c: { method: 'turn/completed', params: { threadId: THREAD, turn: turnInfo(TURN, 'completed') } },
      };
      cold('-s-r----v--c', events).subscribe((m) => transport.emit(m));
      expectObservable(thread.turn('go').pipe(turnProgress(), map((p) => p.pendingRequests.map((r) => r.id).join(',') || '-'))).toBe('-a-b----a--(a|)', {
        a: '-',
        b: '0',
      });
    });
  });
});
