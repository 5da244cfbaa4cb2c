import { defer, Observable, switchMap } from 'rxjs';
import { CodexError } from '../errors.js';
import type { Thread as ThreadInfo } from '../protocol/generated/v2/Thread.js';
import type { Connection } from '../rpc/connection.js';
import { TurnDedupe } from './turn-dedupe.js';
import type { TurnEvent } from './turn-event.js';
import { TurnRecorder } from './turn-recorder.js';

/**
 * The turns of one thread this client follows without having started them (attached turns):
 * one recorder per turn, created when the thread is opened with a turn in progress (so a
 * gateway's replay, sent right after the `thread/resume` answer, is heard) or on the first
 * `attach`. A recorder leaves once its turn completed or its connection ended.
 */
export class TurnRecorders {
  private readonly byTurn = new Map<string, TurnRecorder>();

  constructor(
    private readonly connection: Connection,
    /** Told when a followed turn completed (the thread's running turn is over). */
    private readonly completed: (turnId: string) => void,
  ) {}

  /** The thread was opened (started, resumed, forked; again after a reconnect): record its running turns from their record. */
  opened(info: ThreadInfo): void {
    for (const turn of info.turns ?? []) {
      if (turn.status !== 'inProgress' || this.byTurn.get(turn.id)?.seeded) continue;
      this.recorder(info.id, turn.id)?.seed(turn);
    }
  }

  /** The recorder of `turnId`, new (watching from now, not seeded) when there is none; undefined when the connection is closed. */
  recorder(threadId: string, turnId: string): TurnRecorder | undefined {
    const known = this.byTurn.get(turnId);
    if (known) return known;
    let recorder: TurnRecorder;
    try {
      recorder = new TurnRecorder(this.connection, threadId, turnId, (r) => {
        if (this.byTurn.get(turnId) === r) this.byTurn.delete(turnId);
        if (r.turnCompleted) this.completed(turnId);
      });
    } catch {
      return undefined; // closed: the caller's request fails with the connection's error
    }
    this.byTurn.set(turnId, recorder);
    return recorder;
  }

  /** Reports a completion seen by an attached stream. */
  sawCompleted(turnId: string): void {
    this.completed(turnId);
  }
}

/**
 * One generation of an attached turn: the thread opened on the current connection (resumed if
 * needed), then the recorder's events: the turn so far, then live. A turn with no recorder yet
 * is read (`thread/read` with turns) after watching started.
 */
function attachOnce(connection: Connection, recorders: TurnRecorders, whenOpen: () => Observable<string>, turnId: string): Observable<TurnEvent> {
  return whenOpen().pipe(
    switchMap((threadId) => {
      const recorder = recorders.recorder(threadId, turnId);
      if (recorder?.seeded) return recorder.events$;
      return connection.request('thread/read', { threadId, includeTurns: true }).pipe(
        switchMap((answer) => {
          if (!recorder) throw new CodexError(`cannot attach to turn ${turnId}: the connection is closed`);
          const turn = answer.thread.turns.find((t) => t.id === turnId);
          if (!turn) {
            recorder.abandon();
            throw new CodexError(`thread ${threadId} has no turn ${turnId}`);
          }
          recorder.seed(turn);
          return recorder.events$;
        }),
      );
    }),
  );
}

/**
 * `thread.attach(turnId)`: the turn so far, then live, completing after `turn/completed`; across
 * reconnects (with `reconnect`) it re-attaches, and each event reaches the subscriber once.
 * Unsubscribing sends nothing (the turn keeps running).
 */
export function attachStream(connection: Connection, recorders: TurnRecorders, whenOpen: () => Observable<string>, turnId: string): Observable<TurnEvent> {
  return defer(() => {
    const dedupe = new TurnDedupe();
    return new Observable<TurnEvent>((subscriber) =>
      connection
        .live(() => attachOnce(connection, recorders, whenOpen, turnId))
        .pipe(connection.keepAlive())
        .subscribe({
          next: (event) => {
            const passed = dedupe.pass(event);
            if (passed === undefined) return;
            subscriber.next(passed);
            if (dedupe.completed) {
              recorders.sawCompleted(turnId);
              subscriber.complete();
            }
          },
          error: (e) => subscriber.error(e),
          complete: () => subscriber.complete(),
        }),
    );
  });
}
