/**
 * A Codex over the InMemoryTransport for approval tests: open threads and turns by id, deliver
 * server requests, read the client's answers. Everything is synchronous.
 */
import { firstValueFrom, type Subscription } from 'rxjs';
import { Codex } from '../../lib/codex';
import type { CodexConfig } from '../../lib/codex-config';
import type { ApprovalFailure, PendingServerRequest } from '../../lib/approvals/approval-router';
import type { TurnCallOptions, Thread } from '../../lib/thread';
import type { TurnNotification } from '../../lib/turn/turn-notification';
import { InMemoryTransport, type SentMessage } from '../../lib/transport/in-memory-transport';

export const THREAD = 'thr-1';
export const TURN = 'turn-1';

/** Params of `item/commandExecution/requestApproval`, as the real binary sends them. */
export function commandApprovalParams(overrides: Record<string, unknown> = {}) {
  return {
    kind: 'command',
    threadId: THREAD,
    turnId: TURN,
    itemId: 'call_1',
    startedAtMs: 1_700_000_000_000,
    environmentId: 'local',
    reason: 'create a file',
    command: "/bin/bash -lc 'touch approved.txt'",
    cwd: '/work',
    commandActions: [{ type: 'unknown', command: 'touch approved.txt' }],
    proposedExecpolicyAmendment: ['touch', 'approved.txt'],
    availableDecisions: ['accept', 'cancel'],
    ...overrides,
  };
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

/** `turnStart: 'manual'` leaves `turn/start` unanswered: answer it with `transport.respond(id, …)`. */
export async function harness(config: Omit<CodexConfig, 'transport'> & { turnStart?: 'auto' | 'manual' } = {}): Promise<Harness> {
  const { turnStart = 'auto', ...codexConfig } = config;
  const transport = new InMemoryTransport();
  const threadIds: string[] = [];
  const turnIds: string[] = [];
  transport.onRequest('thread/start', () => ({ thread: { id: threadIds.shift() ?? THREAD }, model: 'mock-model' }));
  if (turnStart === 'auto') transport.onRequest('turn/start', () => ({ turn: turnInfo(turnIds.shift() ?? TURN) }));
  transport.onRequest('turn/interrupt', () => ({}));
  const codex = new Codex({ ...codexConfig, transport });
  const failures: ApprovalFailure[] = [];
  const failureSub = codex.approvalFailures$.subscribe((f) => failures.push(f));
  await firstValueFrom(codex.connect());

  const answers = (id: number | string) => transport.sent.filter((m) => m.method === undefined && m.id === id);
  return {
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
    nextAnswer: (id, timeoutMs = 2000) =>
      new Promise<SentMessage>((resolve, reject) => {
        const found = answers(id)[0];
        if (found) return resolve(found);
        const timer = setTimeout(() => {
          sub.unsubscribe();
          reject(new Error(`no answer to server request ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        const sub = transport.sent$.subscribe((m) => {
          if (m.method === undefined && m.id === id) {
            clearTimeout(timer);
            sub.unsubscribe();
            resolve(m);
          }
        });
      }),
    dispose: async () => {
      failureSub.unsubscribe();
      await codex.close();
    },
  };
}

export function turnInfo(id: string, status = 'inProgress') {
  return { id, items: [], itemsView: 'notLoaded', status, error: null, startedAt: null, completedAt: null, durationMs: null };
}

/** Collects what a `pendingRequests$` subscription receives. */
export function collectPending(codex: Codex): { received: PendingServerRequest[]; subscription: Subscription } {
  const received: PendingServerRequest[] = [];
  const subscription = codex.pendingRequests$.subscribe((p) => received.push(p));
  return { received, subscription };
}

/** Lets Promise callbacks run. */
export const flushPromises = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
