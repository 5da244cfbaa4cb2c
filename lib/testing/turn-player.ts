/**
 * Plays a {@link TurnScript} for one turn on a scheduler: `asyncScheduler` by default, which is
 * virtual time inside `TestScheduler.run()` and real timers elsewhere. Messages of one frame go
 * out together, in order; a server request pauses the script until the client answers it.
 */
import { asyncScheduler, type SchedulerLike, type Subscription } from 'rxjs';
import type { Notification, ServerRequestMessage } from '../protocol/methods.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import { serverRequestResolved, turnCompleted, turnStarted } from './payloads/notifications.js';
import { endingError, type ClientAnswer, type ScriptOp, type TurnContext, type TurnEnding } from './turn-script.js';

/** What the player needs from the server. */
export interface TurnPlayerHost {
  readonly scheduler: SchedulerLike;
  emit(message: Notification | ServerRequestMessage): void;
  nextRequestId(): RequestId;
  /** Calls `onAnswer` once the client answers server request `id`. */
  awaitAnswer(request: ServerRequestMessage, onAnswer: (answer: ClientAnswer) => void): void;
  /** The turn ended (its `turn/completed` was sent). */
  ended(ctx: TurnContext, ending: TurnEnding): void;
}

/** One turn being played. */
export class TurnPlayer {
  private readonly queue: ScriptOp[];
  private pending?: Subscription;
  private done = false;

  constructor(
    private readonly host: TurnPlayerHost,
    readonly ctx: TurnContext,
    ops: readonly ScriptOp[],
  ) {
    this.queue = [...ops];
  }

  /** True once `turn/completed` was sent (or the player was stopped). */
  get finished(): boolean {
    return this.done;
  }

  /** Sends `turn/started` and the script, starting after the current message (delay 0). */
  start(): void {
    this.later(0, () => {
      this.host.emit(turnStarted(this.ctx));
      this.run();
    });
  }

  /** Drops the rest of the script and ends the turn `interrupted` (after the current message). */
  interrupt(): void {
    if (this.done) return;
    this.queue.length = 0;
    this.pending?.unsubscribe();
    this.later(0, () => this.end({ status: 'interrupted' }));
  }

  /** Stops without another message (the connection went away). */
  stop(): void {
    this.done = true;
    this.queue.length = 0;
    this.pending?.unsubscribe();
  }

  private run(): void {
    while (!this.done) {
      const op = this.queue.shift();
      if (!op) return this.end({ status: 'completed' });
      switch (op.kind) {
        case 'emit':
          for (const message of op.build(this.ctx)) this.host.emit(message);
          break;
        case 'wait':
          return this.later(op.frames, () => this.run());
        case 'request': {
          const request = op.build(this.ctx, this.host.nextRequestId());
          this.host.awaitAnswer(request, (answer) => {
            if (this.done) return;
            // Continue on the scheduler, not inside the client's send() that carried the answer.
            this.later(0, () => {
              this.host.emit(serverRequestResolved(request.id, this.ctx.threadId));
              this.queue.unshift(...op.then(answer, this.ctx));
              this.run();
            });
          });
          this.host.emit(request);
          return;
        }
        case 'end':
          return this.end(op.ending);
        case 'hang':
          this.queue.length = 0;
          return;
      }
    }
  }

  private end(ending: TurnEnding): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.host.emit(turnCompleted(this.ctx, ending.status, endingError(ending)));
    this.host.ended(this.ctx, ending);
  }

  private later(frames: number, work: () => void): void {
    this.pending = this.host.scheduler.schedule(() => {
      this.pending = undefined;
      if (!this.done) work();
    }, frames);
  }
}
