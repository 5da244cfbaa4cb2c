/**
 * A Codex on the testing kit's FakeAppServer for approval tests: open threads and turns by id,
 * deliver server requests, read the client's answers. Everything is synchronous, so the same
 * harness works inside `TestScheduler.run()` (`harnessSync`) and in async tests (`harness`).
 */
import { filter, firstValueFrom, type Observable, type Subscription } from 'rxjs';
import type { Codex } from '../../lib/codex';
import type { CodexConfig } from '../../lib/codex-config';
import type { ApprovalFailure, PendingServerRequest } from '../../lib/approvals/approval-router';
import type { TurnCallOptions, Thread } from '../../lib/thread';
import type { TurnNotification } from '../../lib/turn/turn-notification';
import type { InMemoryTransport, SentMessage } from '../../lib/transport/in-memory-transport';
import { commandApprovalRequest, FakeAppServer, threadInfo, threadStartResponse, turnInfo as kitTurnInfo } from '../../lib/testing/index';

export const THREAD = 'thr-1';
export const TURN = 'turn-1';

/** Params of `item/commandExecution/requestApproval`, as the real binary sends them. */
export function commandApprovalParams(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { params } = commandApprovalRequest(0, 'call_1', "/bin/bash -lc 'touch approved.txt'", { threadId: THREAD, turnId: TURN }, {
    reason: 'create a file',
    commandActions: [{ type: 'unknown', command: 'touch approved.txt' }],
    proposedExecpolicyAmendment: ['touch', 'approved.txt'],
    availableDecisions: ['accept', 'cancel'],
  });
  return { ...params, ...overrides };
}

/** Realistic params for every server request method (shapes from lib/protocol/generated). */
export const PARAMS_BY_METHOD: Record<string, Record<string, unknown>> = {
  'item/commandExecution/requestApproval': commandApprovalParams(),
  'item/fileChange/requestApproval': { threadId: THREAD, turnId: TURN, itemId: 'call_2', startedAtMs: 1, reason: null, grantRoot: null },
  'item/tool/requestUserInput': {
    threadId: THREAD,
    turnId: TURN,
    itemId: 'call_3',
    questions: [{ id: 'q1', header: 'Pick', question: 'Which?', isOther: false, isSecret: false, options: null }],
    isBlocking: true,
    autoResolutionMs: null,
  },
  'mcpServer/elicitation/request': {
    threadId: THREAD,
    turnId: TURN,
    serverName: 'docs',
    mode: 'form',
    _meta: null,
    message: 'Your name?',
    requestedSchema: { type: 'object', properties: {} },
  },
  'item/permissions/requestApproval': {
    threadId: THREAD,
    turnId: TURN,
    itemId: 'call_4',
    environmentId: 'local',
    startedAtMs: 1,
    cwd: '/work',
    reason: 'needs network',
    permissions: { network: { enabled: true } },
  },
  'item/tool/call': { threadId: THREAD, turnId: TURN, callId: 'call_5', namespace: null, tool: 'lookup', arguments: { q: 'x' } },
  'account/chatgptAuthTokens/refresh': { reason: 'unauthorized', previousAccountId: null },
  'attestation/generate': {},
  applyPatchApproval: { conversationId: THREAD, callId: 'call_6', fileChanges: {}, reason: null, grantRoot: null },
  execCommandApproval: { conversationId: THREAD, callId: 'call_7', approvalId: null, command: ['touch', 'x'], cwd: '/work', reason: null, parsedCmd: [] },
};

export interface Harness {
  readonly server: FakeAppServer;
  readonly transport: InMemoryTransport;
  readonly codex: Codex;
  /** Every approvalFailures$ event. */
  readonly failures: ApprovalFailure[];
  /** Opens a thread whose id is `id`. */
  thread(id?: string, options?: Parameters<Codex['threadStart']>[0]): Promise<Thread>;
  /** Starts a turn of `thread` that the fake server numbers `turnId`; collects its events. */
  turn(thread: Thread, turnId?: string, options?: TurnCallOptions): TurnRun;
  /** Delivers a server request. */
  request(id: number | string, method: string, params?: unknown): void;
  /** The client's answer to server request `id` (result or error), if sent. */
  answer(id: number | string): SentMessage | undefined;
  /** Every answer the client sent to server request `id`. */
  answers(id: number | string): SentMessage[];
  /** The client's answers to server request `id` as they are sent (hot; marble-testable). */
  answers$(id: number | string): Observable<SentMessage>;
  /** Resolves with the answer to `id` once sent. */
  nextAnswer(id: number | string, timeoutMs?: number): Promise<SentMessage>;
  dispose(): Promise<void>;
}

export interface TurnRun {
  readonly events: TurnNotification[];
  readonly done: boolean;
  readonly error?: unknown;
  readonly subscription: Subscription;
}

export type HarnessConfig = Omit<CodexConfig, 'transport'> & { turnStart?: 'auto' | 'manual' };

/** `turnStart: 'manual'` leaves `turn/start` unanswered: answer it with `transport.respond(id, …)`. */
export async function harness(config: HarnessConfig = {}): Promise<Harness> {
  const h = build(config);
  await firstValueFrom(h.codex.connect());
  return h;
}

/** The same harness, connected synchronously: for `TestScheduler.run()` (virtual time). */
export function harnessSync(config: HarnessConfig = {}): Harness {
  const h = build(config);
  let connected = false;
  h.codex.connect().subscribe({ next: () => (connected = true) });
  if (!connected) throw new Error('harnessSync: the fake did not answer initialize synchronously');
  return h;
}

function build(config: HarnessConfig): Harness {
  const { turnStart = 'auto', ...codexConfig } = config;
  const server = new FakeAppServer();
  const transport = server.transport;
  const threadIds: string[] = [];
  const turnIds: string[] = [];
  // Threads and turns get the ids the test asks for; turns run until the test ends them.
  server.handle('thread/start', () => threadStartResponse(threadInfo({ id: threadIds.shift() ?? THREAD })));
  if (turnStart === 'auto') server.handle('turn/start', () => ({ turn: kitTurnInfo({ id: turnIds.shift() ?? TURN }) }));
  else server.hold('turn/start');
  const codex = server.createClient(codexConfig);
  const failures: ApprovalFailure[] = [];
  const failureSub = codex.approvalFailures$.subscribe((f) => failures.push(f));

  const isAnswerTo = (id: number | string) => (m: SentMessage) => m.method === undefined && m.id === id;
  const answers = (id: number | string) => transport.sent.filter(isAnswerTo(id));
  return {
    server,
    transport,
    codex,
    failures,
    thread: (id = THREAD, options) => {
      threadIds.push(id);
      return firstValueFrom(codex.threadStart(options));
    },
    turn: (thread, turnId = TURN, options) => {
      turnIds.push(turnId);
      const run: { events: TurnNotification[]; done: boolean; error?: unknown; subscription?: Subscription } = { events: [], done: false };
      run.subscription = thread.turn('go', options).subscribe({
        next: (e) => run.events.push(e),
        error: (e) => {
          run.error = e;
          run.done = true;
        },
        complete: () => (run.done = true),
      });
      return run as TurnRun;
    },
    request: (id, method, params) => transport.emit(params === undefined ? { id, method } : { id, method, params }),
    answer: (id) => answers(id)[0],
    answers,
    answers$: (id) => transport.sent$.pipe(filter(isAnswerTo(id))),
    nextAnswer: (id, timeoutMs = 2000) =>
      new Promise<SentMessage>((resolve, reject) => {
        const found = answers(id)[0];
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          sub.unsubscribe();
          reject(new Error(`no answer to server request ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        const sub = transport.sent$.pipe(filter(isAnswerTo(id))).subscribe((m) => {
          clearTimeout(timer);
          sub.unsubscribe();
          resolve(m);
        });
      }),
    dispose: async () => {
      failureSub.unsubscribe();
      await codex.close();
    },
  };
}

/** A turn payload (`turn/start` answers one `inProgress`), from the testing kit. */
export function turnInfo(id: string, status: 'inProgress' | 'completed' | 'interrupted' | 'failed' = 'inProgress') {
  return kitTurnInfo({ id, status });
}

/** Collects what a `pendingRequests$` subscription receives. */
export function collectPending(codex: Codex): { received: PendingServerRequest[]; subscription: Subscription } {
  const received: PendingServerRequest[] = [];
  const subscription = codex.pendingRequests$.subscribe((p) => received.push(p));
  return { received, subscription };
}

/** Lets Promise callbacks run. */
export const flushPromises = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
