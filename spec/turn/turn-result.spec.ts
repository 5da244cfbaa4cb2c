import { from, lastValueFrom, Subject } from 'rxjs';
import { CodexError, TurnFailedError } from '../../lib/errors.js';
import type { TurnNotification } from '../../lib/turn/turn-notification.js';
import { toTurnResult, TurnResultBuilder } from '../../lib/turn/turn-result.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, commandExecutionItem, itemCompleted, itemStarted, tokenUsage, tokenUsageUpdated, turnCompleted, turnError, turnStarted } from '../../lib/testing/index.js';
import { ObservableStream } from '../support/observable-stream.js';

/** Token usage of `total` tokens, 10 of them output. */
const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

describe('TurnResultBuilder', () => {
  it('returns true only for turn/completed', () => {
    const b = new TurnResultBuilder();
    expect(b.add(turnStarted())).toBe(false);
    expect(b.add(agentMessageDelta('m', 'x'))).toBe(false);
    expect(b.add(commandApprovalRequest(1, 'cmd-1', 'rm -rf build'))).toBe(false);
    expect(b.add(itemCompleted(agentMessageItem('m', 'x')))).toBe(false);
    expect(b.add(tokenUsageUpdated(usage(5)))).toBe(false);
    expect(b.add(turnCompleted())).toBe(true);
  });

  it('keeps only item/completed items, in order, and the last usage', () => {
    const b = new TurnResultBuilder();
    const cmd = commandExecutionItem('c', 'ls');
    const msg = agentMessageItem('m', 'hello');
    for (const e of [itemStarted(cmd), itemCompleted(cmd), tokenUsageUpdated(usage(10)), itemStarted(msg), agentMessageDelta('m', 'hel'), itemCompleted(msg), tokenUsageUpdated(usage(20)), turnCompleted()]) b.add(e);
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
    b.add(turnCompleted(DEFAULT_TURN_REF, 'failed', turnError('boom')));
    let error: unknown;
    try {
      b.result();
    } catch (e) {
      error = e;
    }
    expect(TurnFailedError.is(error)).toBe(true);
    expect(error).toMatchObject({ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID, turnError: turnError('boom') });
  });

  it('says "no error message" for a failed turn without error info', () => {
    const b = new TurnResultBuilder();
    b.add(turnCompleted(DEFAULT_TURN_REF, 'failed', null, { error: null }));
    expect(() => b.result()).toThrow(/no error message/);
  });
});

describe('toTurnResult()', () => {
  it('errors with CodexError when the stream completes before turn/completed', async () => {
    const stream = new ObservableStream(from<TurnNotification[]>([turnStarted(), agentMessageDelta('m', 'x')]).pipe(toTurnResult()));
    const error = await stream.takeError();
    expect(CodexError.is(error)).toBe(true);
    expect(TurnFailedError.is(error)).toBe(false);
  });

  it('emits once and ignores anything after turn/completed', async () => {
    const source = new Subject<TurnNotification>();
    const stream = new ObservableStream(source.pipe(toTurnResult()));
    source.next(turnCompleted());
    source.next(itemCompleted(agentMessageItem('late', 'late')));
    source.next(turnCompleted(DEFAULT_TURN_REF, 'failed', null, { error: null }));
    expect((await stream.takeNext()).items).toEqual([]);
    await stream.takeComplete();
    expect(source.observed).toBe(false);
  });

  it('works with lastValueFrom', async () => {
    const r = await lastValueFrom(from<TurnNotification[]>([itemCompleted(agentMessageItem('m', 'Hi!', 'final_answer')), turnCompleted()]).pipe(toTurnResult()));
    expect(r.finalResponse).toBe('Hi!');
  });
});
