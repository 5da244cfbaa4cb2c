import { defer, map, Observable, throwError } from 'rxjs';
import type { ApprovalHandler, ApprovalRouter } from './approvals/approval-router.js';
import { CodexError, ValidationError } from './errors.js';
import { toInputItems, type Input } from './inputs.js';
import { turnParams, type TurnOptions } from './options.js';
import type { Thread as ThreadInfo } from './protocol/generated/v2/Thread.js';
import type { ThreadReadResponse } from './protocol/generated/v2/ThreadReadResponse.js';
import type { TurnStartParams } from './protocol/generated/v2/TurnStartParams.js';
import type { Connection } from './rpc/connection.js';
import { parseStructuredOutput, type OutputSchema } from './structured-output.js';
import { compileOutputSchema } from './validation/output-validator.js';
import type { TurnNotification } from './turn/turn-notification.js';
import { toTurnResult, type TurnResult } from './turn/turn-result.js';
import { followNewTurn } from './turn/turn-stream.js';
import { reviewStream, type ReviewTarget } from './streams/review.js';
import { threadName, threadStatus, threadTokenUsage } from './streams/live-states.js';
import type { ThreadStatus } from './protocol/generated/v2/ThreadStatus.js';
import type { ThreadTokenUsage } from './protocol/generated/v2/ThreadTokenUsage.js';

/** Options of one turn, plus a handler for this turn's approvals. */
export interface TurnCallOptions extends TurnOptions {
  /** Answers this turn's server requests before the thread's and the client's handlers. */
  approvalHandler?: ApprovalHandler;
}

/** A conversation with the agent. Every method returns a cold Observable. */
export class Thread {
  private activeTurnId?: string;
  /** Turns running now through this Thread object, with how many of its subscribers follow each. */
  private readonly runningTurns = new Map<string, number>();

  /** @internal Created by Codex.threadStart / threadResume / threadFork. */
  constructor(
    private readonly connection: Connection,
    private readonly approvals: ApprovalRouter,
    /** The thread as the server described it when it was started, resumed or forked. */
    readonly info: ThreadInfo,
  ) {}

  /** The thread id. */
  get id(): string {
    return this.info.id;
  }

  /** The id of the turn running now through this Thread object, if any. */
  get activeTurn(): string | undefined {
    return this.activeTurnId;
  }

  /**
   * Runs a turn. Cold: subscribing sends `turn/start`; emits every notification (and server
   * request) of the turn; completes right after `turn/completed`. Unsubscribing earlier
   * interrupts the turn — so `firstValueFrom(thread.turn(...))` interrupts it: use `run()`.
   *
   * @example thread.turn('Explain this repo').pipe(agentText()).subscribe(render);
   */
  turn(input: Input, options?: TurnCallOptions): Observable<TurnNotification> {
    return new Observable<TurnNotification>((subscriber) => {
      let params: TurnStartParams;
      const { approvalHandler, ...rest } = options ?? {};
      try {
        if (approvalHandler !== undefined && typeof approvalHandler !== 'function') {
          throw new ValidationError('turn options', [{ path: 'approvalHandler', message: 'must be a function' }]);
        }
        params = { threadId: this.id, input: toInputItems(input), ...turnParams(rest) } as TurnStartParams;
      } catch (e) {
        subscriber.error(e);
        return;
      }
      const undo: Array<() => void> = [];
      const undoStarting = approvalHandler ? this.approvals.forStartingTurn(this.id, approvalHandler) : undefined;
      if (undoStarting) undo.push(undoStarting);
      let running: string | undefined;
      return followNewTurn(this.connection, params, {
        started: (turnId) => {
          if (approvalHandler) undo.push(this.approvals.forTurn(turnId, approvalHandler));
          undoStarting?.(); // the id is known: stop claiming the thread's other turns
        },
        // Only a running turn can be steered or interrupted (the server refuses before turn/started).
        running: (turnId) => {
          running = turnId;
          this.runningTurns.set(turnId, (this.runningTurns.get(turnId) ?? 0) + 1);
          this.activeTurnId = turnId;
        },
        ended: () => {
          if (running !== undefined) this.stopFollowing(running);
          for (const u of undo.splice(0)) u();
        },
      }, subscriber);
    });
  }

  /** One subscriber of a running turn is gone; the turn stays active while others follow it. */
  private stopFollowing(turnId: string): void {
    const left = (this.runningTurns.get(turnId) ?? 1) - 1;
    if (left > 0) return void this.runningTurns.set(turnId, left);
    this.runningTurns.delete(turnId);
    if (this.activeTurnId === turnId) {
      let last: string | undefined;
      for (const id of this.runningTurns.keys()) last = id;
      this.activeTurnId = last;
    }
  }

  /**
   * Runs a turn and emits its TurnResult once, on completion. Fails with TurnFailedError when the
   * turn fails; with `outputSchema`, `output` holds the parsed, validated answer.
   *
   * @example const result = await lastValueFrom(thread.run('Summarise README.md'));
   */
  run<TOutput = unknown>(input: Input, options?: TurnCallOptions & { outputSchema?: OutputSchema<TOutput> }): Observable<TurnResult<TOutput>> {
    return defer(() => {
      const schema = options?.outputSchema;
      // A schema that cannot be compiled fails now, before the turn runs.
      if (schema !== undefined && schema !== null && typeof schema === 'object') compileOutputSchema(schema);
      return this.turn(input, options).pipe(
        toTurnResult(),
        map((result) => (schema ? parseStructuredOutput<TOutput>(result, schema) : (result as TurnResult<TOutput>))),
      );
    });
  }

  /** Adds input to the running turn (`turn/steer`); emits the turn id. Errors when no turn runs. */
  steer(input: Input): Observable<string> {
    return defer(() => {
      const turnId = this.activeTurnId;
      if (turnId === undefined) return throwError(() => new CodexError(`thread ${this.id} has no active turn to steer`));
      return this.connection
        .request('turn/steer', { threadId: this.id, expectedTurnId: turnId, input: toInputItems(input) })
        .pipe(map((r) => r.turnId));
    });
  }

  /** Interrupts the running turn; completes once the server accepted. Errors when no turn runs. */
  interrupt(): Observable<void> {
    return defer(() => {
      const turnId = this.activeTurnId;
      if (turnId === undefined) return throwError(() => new CodexError(`thread ${this.id} has no active turn to interrupt`));
      return this.connection.request('turn/interrupt', { threadId: this.id, turnId }).pipe(map(() => undefined));
    });
  }

  /** Reads the thread (`thread/read`), with its turns when `includeTurns` is true. */
  read(options: { includeTurns?: boolean } = {}): Observable<ThreadReadResponse> {
    return this.connection.request('thread/read', { threadId: this.id, includeTurns: options.includeTurns ?? false });
  }

  /** Renames the thread. */
  setName(name: string): Observable<void> {
    return defer(() => {
      if (typeof name !== 'string') throw new ValidationError('setName', [{ path: 'name', message: 'must be a string' }]);
      return this.connection.request('thread/name/set', { threadId: this.id, name }).pipe(map(() => undefined));
    });
  }

  /** Starts compacting the thread's history (`thread/compact/start`). */
  compact(): Observable<void> {
    return this.connection.request('thread/compact/start', { threadId: this.id }).pipe(map(() => undefined));
  }

  /** Reviews (`review/start`, inline) as a turn stream: `toTurnResult()`/`turnProgress()` apply; unsubscribing interrupts. */
  review(target: ReviewTarget): Observable<TurnNotification> {
    return reviewStream(this.connection, { threadId: this.id, target });
  }

  /** The thread's status, live: `thread/read`, then every `thread/status/changed`. */
  get status$(): Observable<ThreadStatus> {
    return threadStatus(this.connection, this.id);
  }

  /** The thread's name (null when unnamed), live: `thread/read`, then every `thread/name/updated`. */
  get name$(): Observable<string | null> {
    return threadName(this.connection, this.id);
  }

  /** The thread's token usage, live: null (no read exists), then every `thread/tokenUsage/updated`. */
  get tokenUsage$(): Observable<ThreadTokenUsage | null> {
    return threadTokenUsage(this.connection, this.id);
  }

  /** Narrows an approval handler to this thread (before the client's); returns the undo. */
  setApprovalHandler(handler: ApprovalHandler): () => void {
    return this.approvals.forThread(this.id, handler);
  }
}
