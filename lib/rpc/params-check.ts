import type { Subscriber } from 'rxjs';
import { CodexError, ValidationError } from '../errors.js';
import type { ConnectionOptions, ParamsCheckContext, ParamsVerdict } from './connection-types.js';
import { isPromiseLike, OrderedChecks } from './ordered-checks.js';
import { describeError } from './redaction.js';

/**
 * The `validateParams` gate of `Connection.request`: bad params fail the request with a
 * ValidationError before anything is written. A check may answer later (validators still
 * loading); requests then go on in the order they were subscribed.
 */
export class ParamsCheck {
  /** Requests whose params check has not answered yet, in subscription order (validators loading). */
  private readonly checks = new OrderedChecks();

  constructor(
    private readonly validate: ConnectionOptions['validateParams'],
    private readonly context: ParamsCheckContext,
    /** True once the handshake passed: an `'after-handshake'` verdict is final only then. */
    private readonly ready: () => boolean,
  ) {}

  /**
   * Runs `validateParams`, then `next` — at once when it answers synchronously and no earlier
   * request still waits on an answer (`ordered`); otherwise once its answer and every earlier one
   * are in. Issues (or a failed check) error `subscriber` instead. Returns a cancel while waiting.
   */
  run<V extends 'ok' | 'after-handshake'>(method: string, params: unknown, subscriber: Subscriber<unknown>, next: (verdict: V) => void, ordered: boolean): (() => void) | undefined {
    const answer = this.validate?.(method, params, this.context);
    if (!isPromiseLike(answer) && (this.checks.idle || !ordered)) return void this.onVerdict(method, answer, subscriber, next);
    return this.checks.add(answer, (settled) => {
      if (settled.ok) this.onVerdict(method, settled.value, subscriber, next);
      else subscriber.error(CodexError.is(settled.error) ? settled.error : new CodexError(`${method} params could not be checked: ${describeError(settled.error)}`, { cause: settled.error }));
    });
  }

  private onVerdict<V extends 'ok' | 'after-handshake'>(method: string, issues: ParamsVerdict, subscriber: Subscriber<unknown>, next: (verdict: V) => void): void {
    if (issues === 'after-handshake' && !this.ready()) return next(issues as V);
    if (issues === 'after-handshake' || (issues && issues.length > 0)) {
      subscriber.error(new ValidationError(`${method} params`, issues === 'after-handshake' ? [{ path: '', message: 'could not be checked against the server' }] : issues));
      return;
    }
    next('ok' as V);
  }
}
