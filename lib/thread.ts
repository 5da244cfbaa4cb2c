import { AsyncSubject, defer, map, Observable, switchMap, throwError, type Subscription } from 'rxjs';
import { handlerOption, requireHandler, type ApprovalRouter, type ServerRequestHandler } from './approvals/approval-router.js';
import { CodexError, ValidationError } from './errors.js';
import { toInputItems, type Input } from './inputs.js';
import { turnParams, type TurnOptions } from './options.js';
import type { Thread as ThreadInfo } from './protocol/generated/v2/Thread.js';
import type { ThreadReadResponse } from './protocol/generated/v2/ThreadReadResponse.js';
import type { TurnStartParams } from './protocol/generated/v2/TurnStartParams.js';
import type { Connection } from './rpc/connection.js';
import type { OutputSchema } from './output-schema.js';
import { ClientValidators } from './validation/lazy-validators.js';
import type { TurnEvent } from './turn/turn-event.js';
import { toTurnResult, type TurnResult } from './turn/turn-result.js';
import { followNewTurn, type TurnHooks } from './turn/turn-stream.js';
import { ClientStreams } from './streams/lazy-streams.js';
import type { ReviewTarget } from './streams/review.js';
import type { ThreadStatus } from './protocol/generated/v2/ThreadStatus.js';
import type { ThreadTokenUsage } from './protocol/generated/v2/ThreadTokenUsage.js';
import { LazyTurnRecorders } from './turn/lazy-recorders.js';
import { stableLive } from './streams/stable-live.js';

/** Options of one turn, plus a handler for this turn's server requests. */
export interface TurnCallOptions extends TurnOptions {
  /** Answers this turn's server requests (approvals, questions, tool calls) before the thread's and the client's handlers. */
  serverRequestHandler?: ServerRequestHandler;
  /** @deprecated Renamed `serverRequestHandler`. */
  approvalHandler?: ServerRequestHandler;
}

/**
 * A conversation with the agent. Every method returns a cold Observable.
 *
 * `TId` is the type of `id`: `string` for a thread from `threadStart()`, `threadResume()` or
 * `threadFork()` (it exists on the server already); `string | undefined` for one from
 * `codex.thread()`, whose id is known once its first use started it.
 */
export class Thread<TId extends string | undefined = string> {
  private activeTurnId?: string;
  /** Turns running now through this Thread object, with how many of its subscribers follow each. */
  private readonly runningTurns = new Map<string, number>();
  private current?: ThreadInfo;
  /** The connection generation the thread was opened on: after a reconnect it is resumed first. */
  private openedOn?: number;
  private starting?: AsyncSubject<ThreadInfo>;
  private readonly start?: () => Observable<ThreadInfo>;
  /** Handlers set before the thread was started: registered the moment it is. */
  private readonly earlyHandlers: Array<{ readonly handler: ServerRequestHandler; undo?: () => void; dropped: boolean }> = [];
  /** The turn the server last listed in progress (start/resume/fork answer), until seen completing. */
  private listedRunning?: string;
  private readonly recorders: LazyTurnRecorders;
  private status?: Observable<ThreadStatus>;
  private name?: Observable<string | null>;
  private tokenUsage?: Observable<ThreadTokenUsage | null>;

  /**
   * @internal Created by Codex: with the server's description (threadStart / threadResume /
   * threadFork), or with the request that starts it on first use (`codex.thread()`).
   */
  constructor(
    private readonly connection: Connection,
    private readonly approvals: ApprovalRouter,
    source: ThreadInfo | (() => Observable<ThreadInfo>),
    private readonly validators: ClientValidators = new ClientValidators(),
    private readonly streams: ClientStreams = new ClientStreams(),
  ) {
    this.recorders = new LazyTurnRecorders(connection, streams, (turnId) => {
      if (this.listedRunning === turnId) this.listedRunning = undefined;
    });
    if (typeof source === 'function') this.start = source;
    else {
      this.current = source;
      this.openedOn = connection.generation;
      this.noteRunning(source);
    }
  }

  /** The thread id; for a thread from `codex.thread()`, undefined until its first use started it. */
  get id(): TId {
    return this.current?.id as TId;
  }

  /** The thread as the server described it when it was started, resumed or forked. */
  get info(): undefined extends TId ? ThreadInfo | undefined : ThreadInfo {
    return this.current as never;
  }

  /**
   * The id of "the active turn": the turn that most recently started running through THIS Thread
   * object and is still followed by one of its subscribers. `steer()` and `interrupt()` act on it
   * unless given a turn id (another Thread object, another client, or a second panel of a UI
   * running its own turn: name the turn with `turnIdOf(event)` of its stream).
   */
  get activeTurn(): string | undefined {
    return this.activeTurnId;
  }

  /**
   * The id of the turn running on the server, as far as this Thread knows: the turn its
   * `thread/resume` (or start/fork, or the resume after a reconnect) answer listed `inProgress`,
   * or a turn this Thread object runs; undefined once it was seen completing (through `attach`
   * or `turn`). Pass it to `attach()` to follow the turn, to `interrupt()` to stop it.
   *
   * @example codex.threadResume(id).pipe(switchMap((t) => (t.runningTurnId ? t.attach(t.runningTurnId) : EMPTY)))
   */
  get runningTurnId(): string | undefined {
    return this.activeTurnId ?? this.listedRunning;
  }

  /**
   * Follows a turn started elsewhere (another tab, before a reload, another process): first what
   * the turn has done so far — its finished items from the server's record as `turn/started` and
   * `item/completed` events shaped like live ones, plus what a gateway replays of the items still
   * running and the turn's server requests still awaiting an answer — then its live events;
   * completes after `turn/completed` (at once, after the record, for a turn already completed).
   * `turnProgress()` and `toTurnResult()` apply. Each event arrives once (items are deduplicated
   * by id). Unsubscribing does NOT interrupt the turn: `interrupt(turnId)` does. With
   * `reconnect`, a dropped connection is reopened and the turn re-attached on its own.
   *
   * @example thread.attach(thread.runningTurnId!).pipe(turnProgress()).subscribe(render);
   */
  attach(turnId: string): Observable<TurnEvent> {
    return defer(() => {
      if (typeof turnId !== 'string' || turnId === '') throw new ValidationError('attach', [{ path: 'turnId', message: 'must be a non-empty string' }]);
      return this.streams.use((s) => s.attachStream(this.connection, this.recorders.of(s), () => this.whenOpen(), turnId));
    });
  }

  /**
   * Runs a turn. Cold: subscribing sends `turn/start` (after `thread/start` on a thread from
   * `codex.thread()` not started yet); emits every notification (and server request) of the turn;
   * completes right after `turn/completed`. Unsubscribing earlier interrupts the turn — so
   * `firstValueFrom(thread.turn(...))` interrupts it: use `run()`.
   *
   * Two turns started at once on one thread: the app-server folds the second input into the
   * turn already running and both streams follow that one turn; the later one first gets a
   * replay of the turn so far (all but the streaming deltas). Only the last one leaving
   * interrupts it.
   *
   * @example thread.turn('Explain this repo').pipe(agentText()).subscribe(render);
   */
  turn(input: Input, options?: TurnCallOptions): Observable<TurnEvent> {
    return new Observable<TurnEvent>((subscriber) => {
      let base: Omit<TurnStartParams, 'threadId'>;
      const { approvalHandler: deprecated, serverRequestHandler, ...rest } = options ?? {};
      let approvalHandler: ServerRequestHandler | undefined;
      try {
        approvalHandler = handlerOption({ approvalHandler: deprecated, serverRequestHandler }, 'turn options');
        base = { input: toInputItems(input), ...turnParams(rest) } as Omit<TurnStartParams, 'threadId'>;
      } catch (e) {
        subscriber.error(e);
        return;
      }
      const begin = (threadId: string) => {
        const undo: Array<() => void> = [];
        const undoStarting = approvalHandler ? this.approvals.forStartingTurn(threadId, approvalHandler) : undefined;
        if (undoStarting) undo.push(undoStarting);
        return followNewTurn(this.connection, { threadId, ...base } as TurnStartParams, {
          started: (turnId) => {
            if (approvalHandler) undo.push(this.approvals.forTurn(turnId, approvalHandler));
            undoStarting?.(); // the id is known: stop claiming the thread's other turns
          },
          ...this.activeTurnHooks(() => {
            for (const u of undo.splice(0)) u();
          }),
        }, subscriber);
      };
      const current = this.current;
      if (current && this.isOpenHere()) return begin(current.id);
      let teardown: (() => void) | undefined;
      const opening = this.whenOpen().subscribe({ next: (threadId) => (teardown = begin(threadId)), error: (e) => subscriber.error(e) });
      return () => {
        opening.unsubscribe();
        teardown?.();
      };
    });
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
      if (!schema) return this.turn(input, options).pipe(toTurnResult()) as Observable<TurnResult<TOutput>>;
      // The output check (ajv) loads on first use: a chunk of its own in a browser build.
      return this.validators.withStructuredOutput((output) => {
        // A schema that cannot be compiled fails now, before the turn runs.
        const unusable = typeof schema === 'object' ? output.outputSchemaIssues(schema) : [];
        if (unusable.length > 0) throw new ValidationError('outputSchema', unusable);
        return this.turn(input, options).pipe(
          toTurnResult(),
          map((result) => {
            const parsed = output.parseStructuredOutput<TOutput>(result, schema);
            if ('issues' in parsed) throw new ValidationError('structured output', parsed.issues, parsed.raw);
            return parsed.result;
          }),
        );
      });
    });
  }

  /**
   * Adds input to a running turn (`turn/steer`): the active turn, or the turn `turnId` names;
   * emits the turn id. Errors (sending nothing) when no turn is active and none is named.
   *
   * @example thread.steer('Make it about the sea', { turnId: turnIdOf(firstEvent) })
   */
  steer(input: Input, options: { turnId?: string } = {}): Observable<string> {
    return defer(() => {
      const turnId = this.targetTurn(options?.turnId, 'steer');
      const threadId = this.current!.id;
      return this.connection.request('turn/steer', { threadId, expectedTurnId: turnId, input: toInputItems(input) }).pipe(map((r) => r.turnId));
    });
  }

  /**
   * Interrupts a running turn: the active turn, or the turn `turnId` names; completes once the
   * server accepted. Errors (sending nothing) when no turn is active and none is named.
   */
  interrupt(turnId?: string): Observable<void> {
    return defer(() => {
      const target = this.targetTurn(turnId, 'interrupt');
      return this.connection.request('turn/interrupt', { threadId: this.current!.id, turnId: target }).pipe(map(() => undefined));
    });
  }

  /** Reads the thread (`thread/read`), with its turns when `includeTurns` is true. */
  read(options: { includeTurns?: boolean } = {}): Observable<ThreadReadResponse> {
    return this.withThread((threadId) => this.connection.request('thread/read', { threadId, includeTurns: options.includeTurns ?? false }));
  }

  /** Renames the thread. */
  setName(name: string): Observable<void> {
    return defer(() => {
      if (typeof name !== 'string') throw new ValidationError('setName', [{ path: 'name', message: 'must be a string' }]);
      return this.withThread((threadId) => this.connection.request('thread/name/set', { threadId, name }).pipe(map(() => undefined)));
    });
  }

  /** Starts compacting the thread's history (`thread/compact/start`). */
  compact(): Observable<void> {
    return this.withThread((threadId) => this.connection.request('thread/compact/start', { threadId }).pipe(map(() => undefined)));
  }

  /**
   * Reviews (`review/start`, inline) as a turn stream: `toTurnResult()`/`turnProgress()` apply;
   * unsubscribing interrupts. A running review is the active turn: `interrupt()` stops it. Its
   * id for `interrupt(turnId)` is the one in its `turn/started` (the other events carry the id
   * `review/start` answered, which the server does not interrupt).
   */
  review(target: ReviewTarget): Observable<TurnEvent> {
    return this.withThread((threadId) => this.streams.use((s) => s.reviewStream(this.connection, { threadId, target }, this.activeTurnHooks())));
  }

  // Live states: one object per Thread (shared, replaying the latest value; see stableLive), so
  // Angular's async pipe can read them on every change detection. With `reconnect` they follow
  // the thread across reconnects (resumed and read again).

  /** The thread's status, live: `thread/read`, then every `thread/status/changed`. */
  get status$(): Observable<ThreadStatus> {
    return (this.status ??= this.liveProperty((threadId) => this.streams.use((s) => s.threadStatus(this.connection, threadId))));
  }

  /** The thread's name (null when unnamed), live: `thread/read`, then every `thread/name/updated`. */
  get name$(): Observable<string | null> {
    return (this.name ??= this.liveProperty((threadId) => this.streams.use((s) => s.threadName(this.connection, threadId))));
  }

  /** The thread's token usage, live: null (no read exists), then every `thread/tokenUsage/updated`. */
  get tokenUsage$(): Observable<ThreadTokenUsage | null> {
    return (this.tokenUsage ??= this.liveProperty((threadId) => this.streams.use((s) => s.threadTokenUsage(this.connection, threadId))));
  }

  private liveProperty<T>(state: (threadId: string) => Observable<T>): Observable<T> {
    return stableLive(this.connection.live(() => this.withThread(state)));
  }

  /** @deprecated Renamed `setServerRequestHandler`. */
  setApprovalHandler(handler: ServerRequestHandler): () => void {
    return this.setServerRequestHandler(handler);
  }

  /** Narrows a server-request handler to this thread (before the client's); returns the undo. */
  setServerRequestHandler(handler: ServerRequestHandler): () => void {
    if (this.current) return this.approvals.forThread(this.current.id, handler);
    requireHandler(handler, 'serverRequestHandler');
    const entry: { readonly handler: ServerRequestHandler; undo?: () => void; dropped: boolean } = { handler, dropped: false };
    this.earlyHandlers.push(entry);
    return () => {
      entry.dropped = true;
      entry.undo?.();
    };
  }

  /**
   * Emits the thread id once the thread exists on the server, then completes: at once when it
   * does, else after the one `thread/start` that racing first uses share (a failed start is
   * forgotten: the next use tries again). The single place that opens the thread.
   */
  private whenOpen(): Observable<string> {
    return new Observable<string>((subscriber) => {
      if (this.current && this.isOpenHere()) {
        subscriber.next(this.current.id);
        subscriber.complete();
        return;
      }
      let opening = this.starting;
      if (!opening) {
        const subject = new AsyncSubject<ThreadInfo>();
        this.starting = opening = subject;
        (this.current ? this.resumeHere(this.current.id) : this.start!()).subscribe({
          next: (info) => {
            this.opened(info);
            subject.next(info);
          },
          error: (e) => {
            if (this.starting === subject) this.starting = undefined;
            subject.error(e);
          },
          complete: () => subject.complete(),
        });
      }
      const inner: Subscription = opening.subscribe({ next: (info) => subscriber.next(info.id), error: (e) => subscriber.error(e), complete: () => subscriber.complete() });
      return inner;
    });
  }

  /** The thread exists on the server now: remember it and register the handlers set before. */
  private opened(info: ThreadInfo): void {
    this.current = info;
    this.openedOn = this.connection.generation;
    this.starting = undefined;
    this.noteRunning(info);
    for (const entry of this.earlyHandlers.splice(0)) if (!entry.dropped) entry.undo = this.approvals.forThread(info.id, entry.handler);
  }

  /** The server described the thread (opened it here): note its running turn and record it for `attach`. */
  private noteRunning(info: ThreadInfo): void {
    let running: string | undefined;
    for (const turn of info.turns ?? []) if (turn.status === 'inProgress') running = turn.id;
    this.listedRunning = running;
    if (running !== undefined) this.recorders.opened(info);
  }

  /** A request about the thread, sent once it exists (cold). */
  private withThread<T>(use: (threadId: string) => Observable<T>): Observable<T> {
    return defer(() => (this.current && this.isOpenHere() ? use(this.current.id) : this.whenOpen().pipe(switchMap(use))));
  }

  /** False after the connection was reopened (reconnect) since the thread was opened on it. */
  private isOpenHere(): boolean {
    return this.openedOn === this.connection.generation && (this.connection.state !== 'closed' || !this.connection.reconnects);
  }

  /** Reopens the thread on a new connection (after a reconnect): `thread/resume`, history kept. */
  private resumeHere(threadId: string): Observable<ThreadInfo> {
    return this.connection.request('thread/resume', { threadId } as never).pipe(map((r) => (r as { thread: ThreadInfo }).thread));
  }

  /** The turn steer/interrupt act on; throws (nothing sent) when there is none. */
  private targetTurn(turnId: string | undefined, what: 'steer' | 'interrupt'): string {
    if (turnId !== undefined && (typeof turnId !== 'string' || turnId === '')) {
      throw new ValidationError(what, [{ path: 'turnId', message: 'must be a non-empty string' }]);
    }
    if (!this.current) throw new CodexError(`the thread has not started yet: it has no turn to ${what}`);
    const target = turnId ?? this.activeTurnId;
    if (target === undefined) throw new CodexError(`thread ${this.current.id} has no active turn to ${what}`);
    return target;
  }

  /**
   * One subscriber's hooks on a turn stream (a turn or a review): once its turn runs it is the
   * active turn (only a running turn can be steered or interrupted: the server refuses before
   * turn/started), until the stream ends; `onEnd` runs when it ends.
   */
  private activeTurnHooks(onEnd?: () => void): Required<Pick<TurnHooks, 'running' | 'ended'>> {
    let running: string | undefined;
    return {
      running: (turnId) => {
        running = turnId;
        this.runningTurns.set(turnId, (this.runningTurns.get(turnId) ?? 0) + 1);
        this.activeTurnId = turnId;
      },
      ended: () => {
        if (running !== undefined) this.stopFollowing(running);
        onEnd?.();
      },
    };
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
}
