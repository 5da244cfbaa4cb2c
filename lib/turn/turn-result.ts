import { Observable, type OperatorFunction } from 'rxjs';
import { CodexError, TurnFailedError } from '../errors.js';
import type { ThreadItem } from '../protocol/generated/v2/ThreadItem.js';
import type { ThreadTokenUsage } from '../protocol/generated/v2/ThreadTokenUsage.js';
import type { Turn } from '../protocol/generated/v2/Turn.js';
import type { TurnError } from '../protocol/generated/v2/TurnError.js';
import type { TurnStatus } from '../protocol/generated/v2/TurnStatus.js';
import type { TurnEvent } from './turn-event.js';

/** The outcome of one turn, reduced from its stream. */
export interface TurnResult<TOutput = unknown> {
  readonly id: string;
  readonly threadId: string;
  readonly status: TurnStatus;
  readonly error: TurnError | null;
  /** Unix time in seconds, as the server reports it. */
  readonly startedAt: number | null;
  /** Unix time in seconds, as the server reports it. */
  readonly completedAt: number | null;
  readonly durationMs: number | null;
  /** The last agent message with phase `final_answer`, else the last without a phase; null if none. */
  readonly finalResponse: string | null;
  /** This turn's items, from its `item/completed` notifications (authoritative), in order. */
  readonly items: readonly ThreadItem[];
  /** The turn's last `thread/tokenUsage/updated`, if any. */
  readonly usage: ThreadTokenUsage | null;
  /** With `outputSchema`: the final response parsed as JSON and validated. */
  readonly output?: TOutput;
}

/** Pure reducer state: only what the result needs (never the deltas). */
export class TurnResultBuilder {
  private readonly items: ThreadItem[] = [];
  private usage: ThreadTokenUsage | null = null;
  private finalAnswer: string | null = null;
  private unphased: string | null = null;
  turn?: Turn;
  threadId?: string;

  /** Folds one event in; returns true on `turn/completed`. */
  add(event: TurnEvent): boolean {
    switch (event.method) {
      case 'item/completed': {
        const item = event.params.item;
        this.items.push(item);
        if (item.type === 'agentMessage') {
          if (item.phase === 'final_answer') this.finalAnswer = item.text;
          else if (item.phase === null || item.phase === undefined) this.unphased = item.text;
        }
        return false;
      }
      case 'thread/tokenUsage/updated':
        this.usage = event.params.tokenUsage;
        return false;
      case 'turn/completed':
        this.turn = event.params.turn;
        this.threadId = event.params.threadId;
        return true;
      default:
        return false;
    }
  }

  /** The result; throws TurnFailedError when the turn failed. */
  result(): TurnResult {
    const turn = this.turn;
    if (!turn || this.threadId === undefined) throw new CodexError('the turn stream ended before turn/completed');
    if (turn.status === 'failed') {
      throw new TurnFailedError(`turn ${turn.id} failed: ${turn.error?.message ?? 'no error message'}`, this.threadId, turn.id, turn.error, turn);
    }
    return {
      id: turn.id,
      threadId: this.threadId,
      status: turn.status,
      error: turn.error,
      startedAt: turn.startedAt,
      completedAt: turn.completedAt,
      durationMs: turn.durationMs,
      finalResponse: this.finalAnswer ?? this.unphased,
      items: this.items,
      usage: this.usage,
    };
  }
}

/**
 * Reduces a turn's stream to one TurnResult, emitted on `turn/completed`. A failed turn errors
 * with TurnFailedError; an interrupted one emits with status `interrupted`.
 *
 * @example thread.turn('hi').pipe(toTurnResult()).subscribe((r) => console.log(r.finalResponse));
 */
export function toTurnResult(): OperatorFunction<TurnEvent, TurnResult> {
  return (source) =>
    new Observable<TurnResult>((subscriber) => {
      const builder = new TurnResultBuilder();
      let done = false;
      const sub = source.subscribe({
        next: (event) => {
          if (done || !builder.add(event)) return;
          done = true;
          let result: TurnResult;
          try {
            result = builder.result();
          } catch (e) {
            subscriber.error(e);
            return;
          }
          subscriber.next(result);
          subscriber.complete();
        },
        error: (e) => subscriber.error(e),
        complete: () => {
          if (!done) subscriber.error(new CodexError('the turn stream ended before turn/completed'));
        },
      });
      return sub;
    });
}
