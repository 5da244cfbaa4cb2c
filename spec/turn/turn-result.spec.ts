import { from, lastValueFrom, Subject } from 'rxjs';
import { CodexError, TurnFailedError } from '../../lib/errors.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import { toTurnResult, TurnResultBuilder } from '../../lib/turn/turn-result.js';
import {
  agentMessage,
  commandApproval,
  commandExecution,
  delta,
  itemCompleted,
  itemStarted,
  THREAD_ID,
  tokenUsageUpdated,
  TURN_ID,
  turnCompleted,
  turnError,
  turnStarted,
  usage,
} from '../support/fake-server.js';
import { ObservableStream } from '../support/observable-stream.js';

describe('TurnResultBuilder', () => {
  it('returns true only for turn/completed', () => {
    const b = new TurnResultBuilder();
    expect(b.add(turnStarted())).toBe(false);
    expect(b.add(delta('m', 'x'))).toBe(false);
    expect(b.add(commandApproval(1))).toBe(false);
    expect(b.add(itemCompleted(agentMessage('m', 'x')))).toBe(false);
    expect(b.add(tokenUsageUpdated(5))).toBe(false);
    expect(b.add(turnCompleted())).toBe(true);
  });

  it('keeps only item/completed items, in order, and the last usage', () => {
    const b = new TurnResultBuilder();
    const cmd = commandExecution('c', 'ls');
    const msg = agentMessage('m', 'hello');
    for (const e of [itemStarted(cmd), itemCompleted(cmd), tokenUsageUpdated(10), itemStarted(msg), delta('m', 'hel'), itemCompleted(msg), tokenUsageUpdated(20), turnCompleted()]) b.add(e);
    const r = b.result();
    expect(r.items).toEqual([cmd, msg]);
    expect(r.usage).toEqual(usage(20));
    expect(r.finalResponse).toBe('hello');
  });

  it('throws CodexError when asked for a result before turn/completed', () => {
    const b = new TurnResultBuilder();
    b.add(turnStarted());
    expect(() => b.result()).toThrow(CodexError);
  });

  it('throws TurnFailedError for a failed turn', () => {
    const b = new TurnResultBuilder();
    b.add(turnCompleted('failed', turnError('boom')));
    let error: unknown;
    try {
      b.result();
    } catch (e) {
      error = e;
    }
    expect(TurnFailedError.is(error)).toBe(true);
    expect(error).toMatchObject({ threadId: THREAD_ID, turnId: TURN_ID, turnError: turnError('boom') });
  });

  it('says "no error message" for a failed turn without error info', () => {
    const b = new TurnResultBuilder();
    b.add(turnCompleted('failed', null));
    expect(() => b.result()).toThrow(/no error message/);
  });
});

describe('toTurnResult()', () => {
  it('errors with CodexError when the stream completes before turn/completed', async () => {
    const stream = new ObservableStream(from<TurnNotification[]>([turnStarted(), delta('m', 'x')]).pipe(toTurnResult()));
    const error = await stream.takeError();
    expect(CodexError.is(error)).toBe(true);
    expect(TurnFailedError.is(error)).toBe(false);
  });

  it('emits once and ignores anything after turn/completed', async () => {
    const source = new Subject<TurnNotification>();
    const stream = new ObservableStream(source.pipe(toTurnResult()));
    source.next(turnCompleted());
    source.next(itemCompleted(agentMessage('late', 'late')));
    source.next(turnCompleted('failed'));
    expect((await stream.takeNext()).items).toEqual([]);
    await stream.takeComplete();
    expect(source.observed).toBe(false);
  });

  it('works with lastValueFrom', async () => {
    const r = await lastValueFrom(from<TurnNotification[]>([itemCompleted(agentMessage('m', 'Hi!', 'final_answer')), turnCompleted()]).pipe(toTurnResult()));
    expect(r.finalResponse).toBe('Hi!');
  });
});
