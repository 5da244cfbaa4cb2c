import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { firstValueFrom, lastValueFrom, Subscription, toArray } from 'rxjs';
import {
  Answers,
  isServerRequest,
  reduceTurnProgress,
  INITIAL_TURN_PROGRESS,
  type ApprovalFailure,
  type ApprovalHandler,
  type ServerRequestMessage,
  type Thread,
  type TurnNotification,
  type TurnProgress,
} from '../../lib/index';
import { applyPatch, message, shellCommand } from '../../lib/testing/index';
import { startE2E, type E2E } from '../support/e2e';

// The real `codex app-server` under `approval_policy = "on-request"` with a read-only sandbox:
// an escalated command (`touch …` in the workspace) and apply_patch both ask the client first.

jest.setTimeout(60_000);

type CommandItem = { type: 'commandExecution'; id: string; status: string; exitCode: number | null; aggregatedOutput: string | null };
type FileChangeItem = { type: 'fileChange'; id: string; status: string };

function completedItems<T extends { type: string }>(events: readonly TurnNotification[], type: T['type']): T[] {
  return events.flatMap((e) => (e.method === 'item/completed' && e.params.item.type === type ? [e.params.item as unknown as T] : []));
}

function requestsOf(events: readonly TurnNotification[]): ServerRequestMessage[] {
  return events.filter(isServerRequest);
}

function turnStatus(events: readonly TurnNotification[]): string | undefined {
  const last = events[events.length - 1];
  return last?.method === 'turn/completed' ? last.params.turn.status : undefined;
}

/** One shared real app-server for the describe; each test gets its own thread and queued steps. */
function sharedE2E(): { e2e: () => E2E; clientHandler: { current?: ApprovalHandler }; failures: ApprovalFailure[] } {
  const state: { e2e?: E2E } = {};
  const clientHandler: { current?: ApprovalHandler } = {};
  const failures: ApprovalFailure[] = [];
  let sub: Subscription | undefined;
  beforeAll(async () => {
    state.e2e = await startE2E({
      home: { approvalPolicy: 'on-request' },
      codex: { approvalHandler: (request, context) => clientHandler.current?.(request, context) },
    });
    sub = state.e2e.codex.approvalFailures$.subscribe((f) => failures.push(f));
    await firstValueFrom(state.e2e.codex.connect());
  });
  afterEach(() => {
    clientHandler.current = undefined;
    failures.length = 0;
    state.e2e?.model.reset();
  });
  afterAll(async () => {
    sub?.unsubscribe();
    await state.e2e?.dispose();
  });
  return { e2e: () => state.e2e!, clientHandler, failures };
}

describe('command approvals against the real app-server', () => {
  const { e2e, clientHandler, failures } = sharedE2E();
  const workspaceFile = (name: string) => path.join(e2e().home.workspace, name);
  const newThread = (): Promise<Thread> => firstValueFrom(e2e().codex.threadStart());
  const touchThenSay = (file: string, text = 'Done.') => [shellCommand(`touch ${file}`, { escalate: `create ${file}` }), message(text)];
  const runTurn = (thread: Thread, options?: Parameters<Thread['turn']>[1]) => lastValueFrom(thread.turn('go', options).pipe(toArray()));

  it('decline (turn handler): the command never runs, the item ends declined, the turn completes', async () => {
    e2e().model.enqueue(...touchThenSay('declined.txt'));
    const seen: Array<{ method: string; threadId?: string; turnId?: string }> = [];
    const thread = await newThread();
    const events = await runTurn(thread, {
      approvalHandler: (request, context) => {
        seen.push({ method: request.method, threadId: context.threadId, turnId: context.turnId });
        return Answers.decline();
      },
    });

    expect(existsSync(workspaceFile('declined.txt'))).toBe(false);
    const turnId = events.find((e) => e.method === 'turn/started')!.params.turn.id;
    expect(seen).toEqual([{ method: 'item/commandExecution/requestApproval', threadId: thread.id, turnId }]);
    const [request] = requestsOf(events);
    expect(request).toMatchObject({ id: expect.any(Number), method: 'item/commandExecution/requestApproval', params: { threadId: thread.id, turnId } });
    expect(completedItems<CommandItem>(events, 'commandExecution')).toEqual([expect.objectContaining({ status: 'declined' })]);
    expect(turnStatus(events)).toBe('completed');
    expect(failures).toEqual([]);
  });

  it('accept: the command runs (file exists, exit code 0); the request shows on the turn stream until serverRequest/resolved', async () => {
    e2e().model.enqueue(...touchThenSay('approved.txt', 'Ran it.'));
    const thread = await newThread();
    const events = await runTurn(thread, { approvalHandler: () => Answers.accept() });

    expect(existsSync(workspaceFile('approved.txt'))).toBe(true);
    expect(completedItems<CommandItem>(events, 'commandExecution')).toEqual([expect.objectContaining({ status: 'completed', exitCode: 0 })]);
    expect(turnStatus(events)).toBe('completed');

    const [request] = requestsOf(events);
    const resolvedAt = events.findIndex((e) => e.method === 'serverRequest/resolved' && e.params.requestId === request!.id);
    expect(resolvedAt).toBeGreaterThan(events.indexOf(request!));
    const snapshots = events.reduce<TurnProgress[]>((acc, e) => [...acc, reduceTurnProgress(acc[acc.length - 1] ?? INITIAL_TURN_PROGRESS, e)], []);
    expect(snapshots[events.indexOf(request!)]!.pendingRequests).toEqual([request]);
    expect(snapshots[resolvedAt]!.pendingRequests).toEqual([]);
  });

  it('acceptForSession: the same command again in that thread is not asked again', async () => {
    e2e().model.enqueue(...touchThenSay('session.txt'), ...touchThenSay('session.txt'));
    let asked = 0;
    const thread = await firstValueFrom(
      e2e().codex.threadStart({
        approvalHandler: () => {
          asked++;
          return Answers.acceptForSession();
        },
      }),
    );
    const first = await runTurn(thread);
    const second = await runTurn(thread);

    expect(asked).toBe(1);
    expect(requestsOf(first)).toHaveLength(1);
    expect(requestsOf(second)).toHaveLength(0);
    expect(existsSync(workspaceFile('session.txt'))).toBe(true);
    for (const events of [first, second]) {
      expect(completedItems<CommandItem>(events, 'commandExecution')).toEqual([expect.objectContaining({ status: 'completed', exitCode: 0 })]);
      expect(turnStatus(events)).toBe('completed');
    }
  });

  it('no handler at any level: declined by default, and the turn still completes', async () => {
    e2e().model.enqueue(...touchThenSay('nobody.txt'));
    const thread = await newThread();
    const events = await runTurn(thread);

    expect(requestsOf(events)).toHaveLength(1);
    expect(existsSync(workspaceFile('nobody.txt'))).toBe(false);
    expect(completedItems<CommandItem>(events, 'commandExecution')).toEqual([expect.objectContaining({ status: 'declined' })]);
    expect(turnStatus(events)).toBe('completed');
  });

  it('a client handler answering from a Promise after ~300 ms', async () => {
    e2e().model.enqueue(...touchThenSay('later.txt'));
    let askedAt = 0;
    let resolvedAt = 0;
    clientHandler.current = () => {
      askedAt = Date.now();
      return new Promise((resolve) => setTimeout(() => resolve(Answers.accept()), 300));
    };
    const sub = e2e().codex.notifications$.subscribe((n) => {
      if (n.method === 'serverRequest/resolved') resolvedAt = Date.now();
    });
    const thread = await newThread();
    const events = await runTurn(thread);
    sub.unsubscribe();

    expect(askedAt).toBeGreaterThan(0);
    expect(resolvedAt - askedAt).toBeGreaterThanOrEqual(290); // the server waited for the Promise
    expect(existsSync(workspaceFile('later.txt'))).toBe(true);
    expect(turnStatus(events)).toBe('completed');
  });

  it('the pending-request stream answered from outside (e.g. a dialog)', async () => {
    e2e().model.enqueue(...touchThenSay('outside.txt'));
    const answered: string[] = [];
    const sub = e2e().codex.pendingRequests$.subscribe((pending) => {
      setTimeout(() => {
        if (pending.is('item/commandExecution/requestApproval')) {
          answered.push(pending.params.command ?? '');
          pending.respond(Answers.accept());
          expect(() => pending.respond(Answers.decline())).toThrow(/already answered/);
        }
      }, 50);
    });
    try {
      const thread = await newThread();
      const events = await runTurn(thread);
      expect(answered).toEqual([expect.stringContaining('touch outside.txt')]);
      expect(existsSync(workspaceFile('outside.txt'))).toBe(true);
      expect(turnStatus(events)).toBe('completed');
    } finally {
      sub.unsubscribe();
    }
  });

  it('cancel: the turn is interrupted and the command never runs', async () => {
    e2e().model.enqueue(...touchThenSay('cancelled.txt'));
    const thread = await newThread();
    const events = await runTurn(thread, { approvalHandler: () => Answers.cancel() });

    expect(existsSync(workspaceFile('cancelled.txt'))).toBe(false);
    expect(turnStatus(events)).toBe('interrupted');
  });

  it('a throwing handler: the safe default (decline) is sent and the failure reported', async () => {
    e2e().model.enqueue(...touchThenSay('thrown.txt'));
    const thread = await newThread();
    const events = await runTurn(thread, {
      approvalHandler: () => {
        throw new Error('dialog crashed');
      },
    });

    expect(existsSync(workspaceFile('thrown.txt'))).toBe(false);
    expect(completedItems<CommandItem>(events, 'commandExecution')).toEqual([expect.objectContaining({ status: 'declined' })]);
    expect(turnStatus(events)).toBe('completed');
    expect(failures).toEqual([expect.objectContaining({ kind: 'handler-error', error: expect.objectContaining({ message: 'dialog crashed' }) })]);
  });
});

describe('file change approvals (apply_patch) against the real app-server', () => {
  const { e2e } = sharedE2E();
  const patch = (file: string, text: string) => `*** Begin Patch\n*** Add File: ${file}\n+${text}\n*** End Patch`;
  const run = async (file: string, handler: ApprovalHandler) => {
    e2e().model.enqueue(applyPatch(patch(file, 'Hello from patch')), message('Patched.'));
    const thread = await firstValueFrom(e2e().codex.threadStart());
    return lastValueFrom(thread.turn('patch it', { approvalHandler: handler }).pipe(toArray()));
  };

  it('accept: the file is written', async () => {
    const methods: string[] = [];
    const events = await run('accepted.txt', (request) => {
      methods.push(request.method);
      return request.method === 'item/fileChange/requestApproval' ? Answers.accept() : undefined;
    });
    const file = path.join(e2e().home.workspace, 'accepted.txt');
    expect(methods).toEqual(['item/fileChange/requestApproval']);
    expect(readFileSync(file, 'utf8')).toBe('Hello from patch\n');
    expect(completedItems<FileChangeItem>(events, 'fileChange')).toEqual([expect.objectContaining({ status: 'completed' })]);
    expect(turnStatus(events)).toBe('completed');
  });

  it('decline: the file is not written, the item ends declined, the turn completes', async () => {
    const events = await run('declined.txt', () => Answers.decline());
    expect(requestsOf(events).map((r) => r.method)).toEqual(['item/fileChange/requestApproval']);
    expect(existsSync(path.join(e2e().home.workspace, 'declined.txt'))).toBe(false);
    expect(completedItems<FileChangeItem>(events, 'fileChange')).toEqual([expect.objectContaining({ status: 'declined' })]);
    expect(turnStatus(events)).toBe('completed');
  });
});
