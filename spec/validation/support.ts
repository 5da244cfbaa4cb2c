/** Small builders for the validation specs (shapes from lib/protocol/generated/v2). */
import { lastValueFrom } from 'rxjs';
import { Codex } from '../../lib/codex.js';
import type { CodexConfig } from '../../lib/codex-config.js';
import type { Thread } from '../../lib/thread.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';

export const THREAD_ID = 'thr-v';
export const TURN_ID = 'turn-v';

export function threadInfo(id = THREAD_ID) {
  return {
    id,
    environments: null,
    extra: null,
    sessionId: `session-${id}`,
    forkedFromId: null,
    attachedToThreadId: null,
    parentThreadId: null,
    preview: '',
    ephemeral: false,
    section: null,
    sectionEnteredAt: null,
    projectId: null,
    historyMode: 'legacy',
    modelProvider: 'mock',
    model: 'mock-model',
    reasoningEffort: null,
    createdAt: 1_700_000_000,
    updatedAt: 1_700_000_000,
    recencyAt: null,
    status: { type: 'idle' },
    path: null,
    cwd: '/work',
    cliVersion: '0.169.0',
    originator: 'codex_rx',
    source: 'appServer',
    canAcceptDirectInput: true,
    threadSource: null,
    agentNickname: null,
    agentRole: null,
    gitInfo: null,
    name: null,
    daybreakEnabled: null,
    turns: [],
  };
}

export function threadStartResponse() {
  const thread = threadInfo();
  return {
    thread,
    model: 'mock-model',
    modelProvider: 'mock',
    serviceTier: null,
    disabledPluginIds: [],
    cwd: thread.cwd,
    runtimeWorkspaceRoots: [],
    instructionSources: [],
    approvalPolicy: 'never',
    approvalsReviewer: 'user',
    sandbox: { type: 'readOnly', networkAccess: false },
    activePermissionProfile: null,
    reasoningEffort: null,
    multiAgentMode: 'explicitRequestOnly',
  };
}

export function turn(status: 'inProgress' | 'completed' | 'failed' | 'interrupted' = 'inProgress') {
  const done = status !== 'inProgress';
  return {
    id: TURN_ID,
    rootTurnId: TURN_ID,
    items: [],
    itemsView: 'summary',
    status,
    error: null,
    startedAt: 1_700_000_100,
    completedAt: done ? 1_700_000_103 : null,
    durationMs: done ? 3_000 : null,
  };
}

export function agentMessage(id: string, text: string, phase: 'commentary' | 'final_answer' | null) {
  return { type: 'agentMessage', id, text, phase, moderation: null, memoryCitation: null, delivery: null, questions: null };
}

/** item/completed notifications for these agent messages, then turn/completed. */
export function finishTurn(transport: InMemoryTransport, messages: ReadonlyArray<{ text: string; phase: 'commentary' | 'final_answer' | null }>): void {
  messages.forEach((m, i) => {
    transport.notify('item/completed', { threadId: THREAD_ID, turnId: TURN_ID, item: agentMessage(`msg-${i}`, m.text, m.phase), completedAtMs: 1_700_000_102_000 });
  });
  transport.notify('turn/completed', { threadId: THREAD_ID, turn: turn('completed') });
}

/** A Codex over an in-memory server that starts threads and answers turn/start with `answer`. */
export async function setup(config: Omit<CodexConfig, 'transport'> = {}, answer?: Array<{ text: string; phase: 'commentary' | 'final_answer' | null }>) {
  const transport = new InMemoryTransport();
  transport.onRequest('thread/start', () => threadStartResponse());
  transport.onRequest('turn/start', () => {
    if (answer) queueMicrotask(() => finishTurn(transport, answer));
    return { turn: turn() };
  });
  const codex = new Codex({ ...config, transport });
  await lastValueFrom(codex.connect());
  const thread: Thread = await lastValueFrom(codex.threadStart());
  return { transport, codex, thread };
}

/** The requests the client sent for `method`. */
export function sentRequests(transport: InMemoryTransport, method: string) {
  return transport.sent.filter((m) => m.method === method && m.id !== undefined);
}
