/**
 * What the fake app-server does during one turn, written as a script: agent messages, reasoning,
 * plans, commands, file changes, MCP calls, usage, errors, server requests (approvals, questions)
 * and how the turn ends, with `wait(frames)` between them. A script is data until a
 * {@link FakeAppServer} plays it for a concrete thread and turn.
 */
import type { Notification, ServerRequestMessage, ServerRequestMethod } from '../protocol/methods.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { JsonValue } from '../protocol/generated/serde_json/JsonValue.js';
import type { MessagePhase } from '../protocol/generated/MessagePhase.js';
import type { ToolRequestUserInputQuestion } from '../protocol/generated/v2/ToolRequestUserInputQuestion.js';
import type { TurnPlanStep } from '../protocol/generated/v2/TurnPlanStep.js';
import { agentMessageItem, commandExecutionItem, fileChangeItem, mcpToolCallItem, reasoningItem, type FileChangeSpec } from './payloads/items.js';
import {
  agentMessageDelta,
  commandApprovalRequest,
  commandOutputDelta,
  diffUpdated,
  errorNotification,
  fileChangeApprovalRequest,
  itemCompleted,
  itemStarted,
  mcpToolCallProgress,
  planUpdated,
  reasoningSummaryDelta,
  reasoningSummaryPartAdded,
  tokenUsage,
  tokenUsageUpdated,
  userInputQuestion,
  userInputRequest,
  type TokenCounts,
  type TurnRef,
} from './payloads/notifications.js';
import { turnError } from './payloads/threads.js';
import { splitText } from './model/sse-encoder.js';

/** Where a script runs: its thread and turn, and fresh item ids. */
export interface TurnContext extends TurnRef {
  /** A new item id (`item-<n>`), unique for the server. */
  nextItemId(): string;
}

/** How the code under test answered a server request: a result, or a JSON-RPC error. */
export interface ClientAnswer<M extends ServerRequestMethod = ServerRequestMethod> {
  readonly request: ServerRequestMessage<M>;
  readonly result?: unknown;
  readonly error?: { readonly code: number; readonly message: string; readonly data?: unknown };
}

/** How a turn ends. */
export type TurnEnding = { readonly status: 'completed' } | { readonly status: 'interrupted' } | { readonly status: 'failed'; readonly message: string };

/** One step of a played script (internal to the kit: the server's player reads these). */
export type ScriptOp =
  | { readonly kind: 'emit'; readonly build: (ctx: TurnContext) => Notification[] }
  | { readonly kind: 'wait'; readonly frames: number }
  | { readonly kind: 'request'; readonly build: (ctx: TurnContext, id: RequestId) => ServerRequestMessage; readonly then: (answer: ClientAnswer, ctx: TurnContext) => ScriptOp[] }
  | { readonly kind: 'end'; readonly ending: TurnEnding }
  | { readonly kind: 'hang' };

/** Options shared by steps that create an item. */
export interface ItemOptions {
  /** Item id; default `item-<n>`. */
  id?: string;
}

/** Streaming: a number N splits the text into N near-equal deltas, an array is sent verbatim. */
export type Chunks = number | string[];

/** An approval the script asks for before an item runs. */
export interface ApprovalOptions {
  /** `reason` shown with the request. */
  reason?: string;
  /** Called with the answer the code under test gave (assert on it here, or on `server.answers`). */
  onAnswer?: (answer: ClientAnswer) => void;
}

/** Options of {@link TurnScript.command}. */
export interface CommandOptions extends ItemOptions {
  /** Output streamed as `item/commandExecution/outputDelta`. Default none. */
  output?: string;
  /** How the output is streamed. Default: one delta. */
  chunks?: Chunks;
  /** Exit code; 0 (default) completes the item, anything else fails it. */
  exitCode?: number;
  /** Ask `item/commandExecution/requestApproval` first; a decline leaves the item `declined`. */
  approval?: boolean | ApprovalOptions;
}

/** Options of {@link TurnScript.fileChange}. */
export interface FileChangeOptions extends ItemOptions {
  /** Ask `item/fileChange/requestApproval` first; a decline leaves the item `declined`. */
  approval?: boolean | ApprovalOptions;
}

/** Options of {@link TurnScript.mcpToolCall}. */
export interface McpToolCallOptions extends ItemOptions {
  arguments?: JsonValue;
  /** Progress messages (`item/mcpToolCall/progress`) before the result. */
  progress?: string[];
  /** Content blocks of the result. Default none. */
  result?: JsonValue[];
  /** Fails the call with this message instead. */
  error?: string;
}

/** Starts a turn script: `scriptTurn().agentMessage('Hi', { chunks: 2 }).complete()`. */
export function scriptTurn(): TurnScript {
  return new TurnScript([]);
}

/** A turn's events in order; immutable (every method returns a new script). */
export class TurnScript {
  /** @internal */
  constructor(readonly ops: readonly ScriptOp[]) {}

  /** Lets `frames` pass (virtual time frames inside `TestScheduler.run()`, milliseconds otherwise). */
  wait(frames: number): TurnScript {
    if (!(frames >= 0)) throw new RangeError(`wait(${frames}): frames must be ≥ 0`);
    return this.with({ kind: 'wait', frames });
  }

  /** An agent message: `item/started`, its deltas, `item/completed`. */
  agentMessage(text: string, options: ItemOptions & { chunks?: Chunks; phase?: MessagePhase } = {}): TurnScript {
    return this.emit((ctx) => {
      const id = options.id ?? ctx.nextItemId();
      return [
        itemStarted(agentMessageItem(id, '', options.phase ?? null), ctx),
        ...splitText(text, options.chunks).map((d) => agentMessageDelta(id, d, ctx)),
        itemCompleted(agentMessageItem(id, text, options.phase ?? null), ctx),
      ];
    });
  }

  /** A reasoning summary: `item/started`, a summary part, its deltas, `item/completed`. */
  reasoning(summary: string, options: ItemOptions & { chunks?: Chunks } = {}): TurnScript {
    return this.emit((ctx) => {
      const id = options.id ?? ctx.nextItemId();
      return [
        itemStarted(reasoningItem(id), ctx),
        reasoningSummaryPartAdded(id, 0, ctx),
        ...splitText(summary, options.chunks).map((d) => reasoningSummaryDelta(id, d, 0, ctx)),
        itemCompleted(reasoningItem(id, [summary]), ctx),
      ];
    });
  }

  /** `turn/plan/updated` with these steps. */
  plan(steps: readonly TurnPlanStep[], explanation: string | null = null): TurnScript {
    return this.emit((ctx) => [planUpdated(steps, explanation, ctx)]);
  }

  /** A command execution, optionally approved first, with its output and exit code. */
  command(command: string, options: CommandOptions = {}): TurnScript {
    const idOf = itemIds(options.id);
    const run = (ctx: TurnContext): Notification[] => {
      const id = idOf(ctx);
      const exitCode = options.exitCode ?? 0;
      const output = options.output ?? '';
      return [
        ...(output === '' ? [] : splitText(output, options.chunks).map((d) => commandOutputDelta(id, d, ctx))),
        itemCompleted(commandExecutionItem(id, command, { status: exitCode === 0 ? 'completed' : 'failed', output, exitCode }), ctx),
      ];
    };
    const declined = (ctx: TurnContext) => [itemCompleted(commandExecutionItem(idOf(ctx), command, { status: 'declined' }), ctx)];
    const started = this.emit((ctx) => [itemStarted(commandExecutionItem(idOf(ctx), command, { status: 'inProgress' }), ctx)]);
    if (!options.approval) return started.emit(run);
    const approval = options.approval === true ? {} : options.approval;
    return started.with({
      kind: 'request',
      build: (ctx, requestId) => commandApprovalRequest(requestId, idOf(ctx), command, ctx, approval.reason ? { reason: approval.reason } : {}),
      then: (answer, ctx) => {
        approval.onAnswer?.(answer);
        const decision = approvalDecision(answer);
        if (decision === 'accept') return [{ kind: 'emit', build: run }];
        return [{ kind: 'emit', build: declined }, ...(decision === 'cancel' ? [interrupted] : [])];
      },
    });
  }

  /** A file change (patch), optionally approved first; a completed change also updates the turn diff. */
  fileChange(changes: readonly FileChangeSpec[], options: FileChangeOptions = {}): TurnScript {
    const idOf = itemIds(options.id);
    const apply = (ctx: TurnContext): Notification[] => [
      itemCompleted(fileChangeItem(idOf(ctx), changes, 'completed'), ctx),
      diffUpdated(changes.map((c) => c.diff).join(''), ctx),
    ];
    const declined = (ctx: TurnContext) => [itemCompleted(fileChangeItem(idOf(ctx), changes, 'declined'), ctx)];
    const started = this.emit((ctx) => [itemStarted(fileChangeItem(idOf(ctx), changes, 'inProgress'), ctx)]);
    if (!options.approval) return started.emit(apply);
    const approval = options.approval === true ? {} : options.approval;
    return started.with({
      kind: 'request',
      build: (ctx, requestId) => fileChangeApprovalRequest(requestId, idOf(ctx), ctx, approval.reason ? { reason: approval.reason } : {}),
      then: (answer, ctx) => {
        approval.onAnswer?.(answer);
        const decision = approvalDecision(answer);
        if (decision === 'accept') return [{ kind: 'emit', build: apply }];
        return [{ kind: 'emit', build: declined }, ...(decision === 'cancel' ? [interrupted] : [])];
      },
    });
  }

  /** A call of an MCP tool: `item/started`, progress messages, `item/completed` with result or error. */
  mcpToolCall(server: string, tool: string, options: McpToolCallOptions = {}): TurnScript {
    return this.emit((ctx) => {
      const id = options.id ?? ctx.nextItemId();
      const args = options.arguments ?? {};
      return [
        itemStarted(mcpToolCallItem(id, server, tool, { status: 'inProgress', arguments: args }), ctx),
        ...(options.progress ?? []).map((m) => mcpToolCallProgress(id, m, ctx)),
        itemCompleted(mcpToolCallItem(id, server, tool, { arguments: args, result: options.result, error: options.error }), ctx),
      ];
    });
  }

  /** `thread/tokenUsage/updated` for this model call (`total` defaults to `last`). */
  tokenUsage(last: TokenCounts = {}, total: TokenCounts = last): TurnScript {
    return this.emit((ctx) => [tokenUsageUpdated(tokenUsage(last, total), ctx)]);
  }

  /** The `error` notification (the turn goes on; end it with `fail()` if it should fail). */
  error(message: string, options: { willRetry?: boolean } = {}): TurnScript {
    return this.emit((ctx) => [errorNotification(message, options.willRetry ?? false, ctx)]);
  }

  /** Asks the user (`item/tool/requestUserInput`) and waits for the answer. */
  userInput(questions: ReadonlyArray<string | ToolRequestUserInputQuestion>, options: ItemOptions & { onAnswer?: (answer: ClientAnswer) => void } = {}): TurnScript {
    const idOf = itemIds(options.id);
    const qs = questions.map((q, i) => (typeof q === 'string' ? userInputQuestion(`q${i + 1}`, q) : q));
    return this.with({
      kind: 'request',
      build: (ctx, requestId) => userInputRequest(requestId, idOf(ctx), qs, ctx),
      then: (answer) => {
        options.onAnswer?.(answer);
        return [];
      },
    });
  }

  /** Any notification(s) of this turn, built from its thread and turn ids (an escape hatch). */
  notify(build: (ctx: TurnContext) => Notification | Notification[]): TurnScript {
    return this.emit((ctx) => [build(ctx)].flat());
  }

  /** Any server request of this turn; the script waits for the answer and hands it to `onAnswer`. */
  request(build: (ctx: TurnContext, id: RequestId) => ServerRequestMessage, onAnswer?: (answer: ClientAnswer) => void): TurnScript {
    return this.with({ kind: 'request', build, then: (answer) => (onAnswer?.(answer), []) });
  }

  /** Ends the turn `completed` (also the default when a script runs out). */
  complete(): TurnScript {
    return this.with({ kind: 'end', ending: { status: 'completed' } });
  }

  /** Ends the turn `interrupted`, as after `turn/interrupt`. */
  interrupted(): TurnScript {
    return this.with(interrupted);
  }

  /**
   * Ends the turn `failed` with this message, as the real server does: status `systemError`, the
   * `error` notification, `turn/completed` — the turn is over from the first of them (an
   * interrupt in reaction to the `error` is refused).
   */
  fail(message = 'the model provider failed'): TurnScript {
    return this.with({ kind: 'end', ending: { status: 'failed', message } });
  }

  /** Never ends by itself (until `turn/interrupt`), e.g. to test cancellation. */
  hang(): TurnScript {
    return this.with({ kind: 'hang' });
  }

  private emit(build: (ctx: TurnContext) => Notification[]): TurnScript {
    return this.with({ kind: 'emit', build });
  }

  private with(op: ScriptOp): TurnScript {
    return new TurnScript([...this.ops, op]);
  }
}

const interrupted: ScriptOp = { kind: 'end', ending: { status: 'interrupted' } };

/** The failure a `fail()` ending reports in `turn/completed`. */
export function endingError(ending: TurnEnding) {
  return ending.status === 'failed' ? turnError(ending.message) : null;
}

/** One item id per played turn: the given one, or a fresh one taken once per context. */
function itemIds(given: string | undefined): (ctx: TurnContext) => string {
  const ids = new WeakMap<TurnContext, string>();
  return (ctx) => {
    if (given !== undefined) return given;
    let id = ids.get(ctx);
    if (id === undefined) ids.set(ctx, (id = ctx.nextItemId()));
    return id;
  };
}

/** accept (run it), decline (skip it) or cancel (skip it and interrupt the turn); an error answer declines. */
function approvalDecision(answer: ClientAnswer): 'accept' | 'decline' | 'cancel' {
  const decision = (answer.result as { decision?: unknown } | undefined)?.decision;
  if (decision === 'decline' || answer.error !== undefined || decision === undefined) return 'decline';
  if (decision === 'cancel') return 'cancel';
  return 'accept';
}
