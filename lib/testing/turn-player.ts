/**
 * Plays a {@link TurnScript} for one turn on a scheduler: `asyncScheduler` by default, which is
 * virtual time inside `TestScheduler.run()` and real timers elsewhere. Messages of one frame go
 * out together, in order; a server request pauses the script until the client answers it.
 *
 * Around the script it sends what the real app-server (0.171.0) sends around a turn: the thread's
 * status (`thread/status/changed`: active before `turn/started`, waiting on a request while one
 * is open, idle — or systemError for a failure — before `turn/completed`). An interrupt cuts the turn where it stands, as the
 * real app-server does: nothing more of the step being played goes out — no further delta, no
 * `item/completed` for the item in progress — only the idle status and `turn/completed` with
 * status `interrupted`, then `serverRequest/resolved` for a request still awaiting its answer.
 */
import type { SchedulerLike, Subscription } from 'rxjs';
import type { Notification, ServerRequestMessage } from '../protocol/methods.js';
import type { RequestId } from '../protocol/generated/RequestId.js';
import type { ThreadActiveFlag } from '../protocol/generated/v2/ThreadActiveFlag.js';
import { errorNotification, serverRequestResolved, threadStatusChanged, turnCompleted, turnStarted } from './payloads/notifications.js';
import { endingError, type ClientAnswer, type ScriptOp, type TurnContext, type TurnEnding } from './turn-script.js';

/** What the player needs from the server. */
export interface TurnPlayerHost {
  readonly scheduler: SchedulerLike;
  /**
   * Sends one message of this turn. `due` is asked again when the message actually goes out: a
   * message queued behind one the client reacts to (by interrupting) is no longer due then.
   */
  emit(message: Notification | ServerRequestMessage, due?: () => boolean): void;
  nextRequestId(): RequestId;
  /** Calls `onAnswer` once the client answers server request `id`. */
  awaitAnswer(request: ServerRequestMessage, onAnswer: (answer: ClientAnswer) => void): void;
  /** The turn ended (its `turn/completed` was sent). */
  ended(ctx: TurnContext, ending: TurnEnding): void;
}

/**
 * Where the turn is: `starting` until `turn/started` went out (the real server refuses
 * `turn/interrupt` then), `running`, `cut` (interrupted or stopped: the script plays no more),
 * `done` once `turn/completed` went out.
 */
type PlayerState = 'starting' | 'running' | 'cut' | 'done';

/** One turn being played. */
export class TurnPlayer {
  private readonly queue: ScriptOp[];
  private pending?: Subscription;
  private state: PlayerState = 'starting';
  /** Server requests of this turn still waiting for the client's answer. */
  private readonly awaiting = new Set<RequestId>();
  /** Whether a message of this turn is still due (read when it goes out). */
  private readonly due = () => this.state !== 'cut';

  constructor(
    private readonly host: TurnPlayerHost,
    readonly ctx: TurnContext,
    ops: readonly ScriptOp[],
  ) {
    this.queue = [...ops];
  }

  /** True while the turn runs: `turn/started` went out and it has not ended. It can be interrupted. */
  get running(): boolean {
    return this.state === 'running';
  }

  /** Sends `turn/started` and the script, starting after the current message (delay 0). */
  start(): void {
    this.later(0, () => {
      this.state = 'running';
      this.status([]);
      this.host.emit(turnStarted(this.ctx), this.due);
      this.run();
    });
  }

  /**
   * Stops the script at once: nothing more of it goes out, including what was already queued.
   * Returns the ending to send once the interrupt is answered (`turn/completed` interrupted, then
   * `serverRequest/resolved` for each request left waiting). Only a running turn can be interrupted.
   */
  interrupt(): () => void {
    if (this.state !== 'running') throw new Error(`TurnPlayer: turn ${this.ctx.turnId} is not running`);
    this.cut();
    return () => this.end({ status: 'interrupted' });
  }

  /** Stops without another message (the connection went away). */
  stop(): void {
    this.cut();
    this.state = 'done';
  }

  private cut(): void {
    this.state = 'cut';
    this.queue.length = 0;
    this.pending?.unsubscribe();
    this.pending = undefined;
  }

  private run(): void {
    while (this.state === 'running') {
      const op = this.queue.shift();
      if (!op) return this.end({ status: 'completed' });
      switch (op.kind) {
        case 'emit':
          for (const message of op.build(this.ctx)) {
            // The client may interrupt in reaction to any message: the rest of the step is dropped.
            if (this.state !== 'running') return;
            this.host.emit(message, this.due);
          }
          break;
        case 'wait':
          return this.later(op.frames, () => this.run());
        case 'request': {
          const request = op.build(this.ctx, this.host.nextRequestId());
          const waitingOn = flagOf(request);
          this.awaiting.add(request.id);
          this.host.awaitAnswer(request, (answer) => {
            if (!this.awaiting.delete(request.id) || this.state !== 'running') return;
            // Continue on the scheduler, not inside the client's send() that carried the answer.
            this.later(0, () => {
              this.host.emit(serverRequestResolved(request.id, this.ctx.threadId), this.due);
              if (waitingOn) this.status([]);
              this.queue.unshift(...op.then(answer, this.ctx));
              this.run();
            });
          });
          if (waitingOn) this.status([waitingOn]);
          this.host.emit(request, this.due);
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

  /**
   * Ends the turn in the real server's order: the thread's status (`idle`; `systemError` and the
   * `error` notification for a failure), `turn/completed`, then `serverRequest/resolved` for the
   * requests it leaves unanswered. From here on the turn is over: an interrupt is refused.
   */
  private end(ending: TurnEnding): void {
    if (this.state === 'done') return;
    this.state = 'done';
    this.queue.length = 0;
    if (ending.status === 'failed') {
      this.host.emit(threadStatusChanged({ type: 'systemError' }, this.ctx.threadId));
      this.host.emit(errorNotification(ending.message, false, this.ctx));
    } else this.host.emit(threadStatusChanged({ type: 'idle' }, this.ctx.threadId));
    this.host.emit(turnCompleted(this.ctx, ending.status, endingError(ending)));
    for (const id of this.awaiting) this.host.emit(serverRequestResolved(id, this.ctx.threadId));
    this.awaiting.clear();
    this.host.ended(this.ctx, ending);
  }

  private status(activeFlags: ThreadActiveFlag[]): void {
    this.host.emit(threadStatusChanged({ type: 'active', activeFlags }, this.ctx.threadId), this.due);
  }

  private later(frames: number, work: () => void): void {
    this.pending = this.host.scheduler.schedule(() => {
      this.pending = undefined;
      if (this.state === 'starting' || this.state === 'running') work();
    }, frames);
  }
}

/** What an open server request makes the thread wait on, as the real server flags it. */
function flagOf(request: ServerRequestMessage): ThreadActiveFlag | undefined {
  if (request.method === 'item/tool/requestUserInput') return 'waitingOnUserInput';
  return request.method.endsWith('/requestApproval') ? 'waitingOnApproval' : undefined;
}
