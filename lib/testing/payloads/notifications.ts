/** Protocol-valid notifications and server requests of one turn, addressed by a {@link TurnRef}. */
import type { Notification, ServerRequestMessage } from '../../protocol/methods.js';
import type { RequestId } from '../../protocol/generated/RequestId.js';
import type { CommandExecutionRequestApprovalParams } from '../../protocol/generated/v2/CommandExecutionRequestApprovalParams.js';
import type { FileChangeRequestApprovalParams } from '../../protocol/generated/v2/FileChangeRequestApprovalParams.js';
import type { ThreadItem } from '../../protocol/generated/v2/ThreadItem.js';
import type { ThreadStatus } from '../../protocol/generated/v2/ThreadStatus.js';
import type { ThreadTokenUsage } from '../../protocol/generated/v2/ThreadTokenUsage.js';
import type { ToolRequestUserInputQuestion } from '../../protocol/generated/v2/ToolRequestUserInputQuestion.js';
import type { Turn } from '../../protocol/generated/v2/Turn.js';
import type { TurnError } from '../../protocol/generated/v2/TurnError.js';
import type { TurnPlanStep } from '../../protocol/generated/v2/TurnPlanStep.js';
import { FAKE_CWD, FAKE_EPOCH_SECONDS, FAKE_THREAD_ID, FAKE_TURN_ID, turnError, turnInfo } from './threads.js';

/** The thread and turn a message belongs to. */
export interface TurnRef {
  readonly threadId: string;
  readonly turnId: string;
}

/** `thr-1` / `turn-1`. */
export const DEFAULT_TURN_REF: TurnRef = Object.freeze({ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID });

const MS = FAKE_EPOCH_SECONDS * 1000;

/** `turn/started`. */
export function turnStarted(ref: TurnRef = DEFAULT_TURN_REF): Notification<'turn/started'> {
  return { method: 'turn/started', params: { threadId: ref.threadId, turn: turnInfo({ id: ref.turnId }) } };
}

/** `turn/completed` with status completed (default), interrupted or failed (with `error`). */
export function turnCompleted(ref: TurnRef = DEFAULT_TURN_REF, status: 'completed' | 'interrupted' | 'failed' = 'completed', error: TurnError | null = null, overrides: Partial<Turn> = {}): Notification<'turn/completed'> {
  const err = status === 'failed' ? (error ?? turnError()) : error;
  return { method: 'turn/completed', params: { threadId: ref.threadId, turn: turnInfo({ id: ref.turnId, status, error: err, ...overrides }) } };
}

/** `item/started`. */
export function itemStarted(item: ThreadItem, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/started'> {
  return { method: 'item/started', params: { item, threadId: ref.threadId, turnId: ref.turnId, startedAtMs: MS + 100_000 } };
}

/** `item/completed`. */
export function itemCompleted(item: ThreadItem, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/completed'> {
  return { method: 'item/completed', params: { item, threadId: ref.threadId, turnId: ref.turnId, completedAtMs: MS + 102_000 } };
}

/** `item/agentMessage/delta`. */
export function agentMessageDelta(itemId: string, delta: string, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/agentMessage/delta'> {
  return { method: 'item/agentMessage/delta', params: { ...ids(ref), itemId, delta } };
}

/** `item/reasoning/summaryPartAdded`. */
export function reasoningSummaryPartAdded(itemId: string, summaryIndex = 0, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/reasoning/summaryPartAdded'> {
  return { method: 'item/reasoning/summaryPartAdded', params: { ...ids(ref), itemId, summaryIndex } };
}

/** `item/reasoning/summaryTextDelta`. */
export function reasoningSummaryDelta(itemId: string, delta: string, summaryIndex = 0, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/reasoning/summaryTextDelta'> {
  return { method: 'item/reasoning/summaryTextDelta', params: { ...ids(ref), itemId, delta, summaryIndex } };
}

/** `item/commandExecution/outputDelta`. */
export function commandOutputDelta(itemId: string, delta: string, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/commandExecution/outputDelta'> {
  return { method: 'item/commandExecution/outputDelta', params: { ...ids(ref), itemId, delta } };
}

/** `item/mcpToolCall/progress`. */
export function mcpToolCallProgress(itemId: string, message: string, ref: TurnRef = DEFAULT_TURN_REF): Notification<'item/mcpToolCall/progress'> {
  return { method: 'item/mcpToolCall/progress', params: { ...ids(ref), itemId, message } };
}

/** `turn/plan/updated`. */
export function planUpdated(plan: readonly TurnPlanStep[], explanation: string | null = null, ref: TurnRef = DEFAULT_TURN_REF): Notification<'turn/plan/updated'> {
  return { method: 'turn/plan/updated', params: { ...ids(ref), explanation, plan: [...plan] } };
}

/** `turn/diff/updated`: the turn's whole diff so far. */
export function diffUpdated(diff: string, ref: TurnRef = DEFAULT_TURN_REF): Notification<'turn/diff/updated'> {
  return { method: 'turn/diff/updated', params: { ...ids(ref), diff } };
}

/** Token counts of one model call; the thread total is given separately. */
export interface TokenCounts {
  inputTokens?: number;
  cachedInputTokens?: number;
  outputTokens?: number;
  reasoningOutputTokens?: number;
}

/** A ThreadTokenUsage whose `last` is `last` and whose `total` is `total` (default: the same). */
export function tokenUsage(last: TokenCounts = {}, total: TokenCounts = last, modelContextWindow: number | null = 200_000): ThreadTokenUsage {
  return { last: breakdown(last), total: breakdown(total), modelContextWindow };
}

function breakdown(c: TokenCounts) {
  const inputTokens = c.inputTokens ?? 100;
  const outputTokens = c.outputTokens ?? 20;
  return { totalTokens: inputTokens + outputTokens, inputTokens, cachedInputTokens: c.cachedInputTokens ?? 0, cacheWriteInputTokens: 0, outputTokens, reasoningOutputTokens: c.reasoningOutputTokens ?? 0 };
}

/** `thread/tokenUsage/updated`. */
export function tokenUsageUpdated(usage: ThreadTokenUsage = tokenUsage(), ref: TurnRef = DEFAULT_TURN_REF): Notification<'thread/tokenUsage/updated'> {
  return { method: 'thread/tokenUsage/updated', params: { ...ids(ref), tokenUsage: usage } };
}

/** The `error` notification (a failure inside a turn; `willRetry` when Codex tries again). */
export function errorNotification(message: string, willRetry = false, ref: TurnRef = DEFAULT_TURN_REF): Notification<'error'> {
  return { method: 'error', params: { error: turnError(message), willRetry, ...ids(ref) } };
}

/** `thread/status/changed`: `idle`, or `active` with what the turn waits for (`waitingOnApproval`, `waitingOnUserInput`). */
export function threadStatusChanged(status: ThreadStatus, threadId = FAKE_THREAD_ID): Notification<'thread/status/changed'> {
  return { method: 'thread/status/changed', params: { threadId, status } };
}

/** `serverRequest/resolved`: the server request `requestId` needs no answer any more. */
export function serverRequestResolved(requestId: RequestId, threadId = FAKE_THREAD_ID): Notification<'serverRequest/resolved'> {
  return { method: 'serverRequest/resolved', params: { threadId, requestId } };
}

/** `item/commandExecution/requestApproval`: may the agent run `command`? */
export function commandApprovalRequest(
  id: RequestId,
  itemId: string,
  command: string,
  ref: TurnRef = DEFAULT_TURN_REF,
  overrides: Partial<CommandExecutionRequestApprovalParams> = {},
): ServerRequestMessage<'item/commandExecution/requestApproval'> {
  return {
    method: 'item/commandExecution/requestApproval',
    id,
    params: {
      kind: 'command',
      ...ids(ref),
      itemId,
      startedAtMs: MS + 101_000,
      environmentId: 'local',
      reason: null,
      command,
      cwd: FAKE_CWD,
      commandActions: [{ type: 'unknown', command }],
      availableDecisions: ['accept', 'decline', 'cancel'],
      ...overrides,
    },
  };
}

/** `item/fileChange/requestApproval`: may the agent apply file change `itemId`? */
export function fileChangeApprovalRequest(
  id: RequestId,
  itemId: string,
  ref: TurnRef = DEFAULT_TURN_REF,
  overrides: Partial<FileChangeRequestApprovalParams> = {},
): ServerRequestMessage<'item/fileChange/requestApproval'> {
  return { method: 'item/fileChange/requestApproval', id, params: { ...ids(ref), itemId, startedAtMs: MS + 101_000, reason: null, grantRoot: null, ...overrides } };
}

/** A question of `item/tool/requestUserInput` (plain text unless `options` are given). */
export function userInputQuestion(id: string, question: string, options: ReadonlyArray<{ label: string; description?: string }> | null = null): ToolRequestUserInputQuestion {
  return { id, header: question, question, isOther: false, isSecret: false, options: options?.map((o) => ({ label: o.label, description: o.description ?? o.label })) ?? null };
}

/** `item/tool/requestUserInput`: the agent asks the user questions. */
export function userInputRequest(id: RequestId, itemId: string, questions: readonly ToolRequestUserInputQuestion[], ref: TurnRef = DEFAULT_TURN_REF): ServerRequestMessage<'item/tool/requestUserInput'> {
  return { method: 'item/tool/requestUserInput', id, params: { ...ids(ref), itemId, questions: [...questions], isBlocking: true, autoResolutionMs: null } };
}

function ids(ref: TurnRef): { threadId: string; turnId: string } {
  return { threadId: ref.threadId, turnId: ref.turnId };
}
