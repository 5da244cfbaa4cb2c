import { lastValueFrom } from 'rxjs';
import { CodexError, TurnFailedError, ValidationError } from '../lib/errors.js';
import type { Thread } from '../lib/thread.js';
import type { TurnNotification } from '../lib/turn/turn-notification.js';
import type { TurnResult } from '../lib/turn/turn-result.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, commandApprovalRequest, commandExecutionItem, itemCompleted, itemStarted, tokenUsage, tokenUsageUpdated, turnCompleted, turnError, turnInfo, turnStartResponse, turnStarted, userMessageItem } from '../lib/testing/index.js';
import { expectIdle } from './support/expectations.js';
import { ObservableStream } from './support/observable-stream.js';
import { threadBench } from './support/thread-bench.js';

/** Token usage of `total` tokens, 10 of them output. */
const usage = (total: number) => tokenUsage({ inputTokens: total - 10, outputTokens: 10 });

const text = (t: string) => [{ type: 'text', text: t, text_elements: [] }];

describe('Thread', () => {
  const b = threadBench();

  /** Subscribes to a turn and answers its turn/start. */
  function startTurn(turnId = FAKE_TURN_ID): ObservableStream<TurnNotification> {
    const stream = new ObservableStream(b.thread.turn('Hi'));
    b.server.respondTo('turn/start', turnStartResponse(turnId));
    b.server.emit(turnStarted({ threadId: FAKE_THREAD_ID, turnId: turnId }));
    return stream;
  }

  it('has the id and info the server gave it', () => {
    expect(b.thread.id).toBe(FAKE_THREAD_ID);
    expect(b.thread.info.id).toBe(FAKE_THREAD_ID);
    expect(b.thread.activeTurn).toBeUndefined();
  });

  describe('activeTurn', () => {
    it('is the running turn once turn/started arrives (the server refuses steer/interrupt before), and undefined once it completes', async () => {
      const stream = new ObservableStream(b.thread.turn('Hi'));
      expect(b.thread.activeTurn).toBeUndefined();
      b.server.respondTo('turn/start', turnStartResponse());
      expect(b.thread.activeTurn).toBeUndefined();
      b.server.emit(turnStarted());
      expect(b.thread.activeTurn).toBe(FAKE_TURN_ID);
      b.server.emit(turnCompleted());
      await stream.takeNext();
      await stream.takeNext();
      await stream.takeComplete();
      expect(b.thread.activeTurn).toBeUndefined();
    });

    it('is cleared when the consumer unsubscribes', () => {
      const stream = startTurn();
      stream.unsubscribe();
      expect(b.thread.activeTurn).toBeUndefined();
    });
  });

  describe('two subscribers on one turn (the server answered both turn/start with one id)', () => {
    /** Two turns started at once, both answered with turn-1, running. */
    function startTwo(options: Parameters<Thread['turn']>[1][] = []) {
      const first = new ObservableStream(b.thread.turn('first', options[0]));
      const second = new ObservableStream(b.thread.turn('second', options[1]));
      b.server.respondTo('turn/start', turnStartResponse());
      b.server.respondTo('turn/start', turnStartResponse());
      b.server.emit(turnStarted());
      return { first, second };
    }

    it('activeTurn stays the turn while one of them still follows it', () => {
      const { first, second } = startTwo();
      expect(b.thread.activeTurn).toBe(FAKE_TURN_ID);
      first.unsubscribe();
      expect(b.thread.activeTurn).toBe(FAKE_TURN_ID);
      expect(b.server.paramsOf('turn/interrupt')).toEqual([]);
      second.unsubscribe();
      expect(b.thread.activeTurn).toBeUndefined();
      expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
    });

    it('steer() and interrupt() act on the shared turn after one subscriber left', async () => {
      const { first, second } = startTwo();
      first.unsubscribe();
      const steer = new ObservableStream(b.thread.steer('more'));
      expect(b.server.paramsOf('turn/steer')).toEqual([{ threadId: FAKE_THREAD_ID, expectedTurnId: FAKE_TURN_ID, input: text('more') }]);
      b.server.respondTo('turn/steer', { turnId: FAKE_TURN_ID });
      expect(await steer.takeNext()).toBe(FAKE_TURN_ID);
      const interrupt = new ObservableStream(b.thread.interrupt());
      expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
      expect(await interrupt.takeNext()).toBeUndefined();
      await interrupt.takeComplete();
      b.server.emit(turnCompleted(DEFAULT_TURN_REF, 'interrupted'));
      expect((await second.takeNext()).method).toBe('turn/started');
      expect((await second.takeNext()).method).toBe('turn/completed');
      await second.takeComplete();
      expect(b.thread.activeTurn).toBeUndefined();
      expectIdle(b.codex);
    });

    it('each subscriber’s approval handler answers the shared turn’s requests while it follows (the newest first)', () => {
      const asked: string[] = [];
      const handler = (name: string) => () => {
        asked.push(name);
        return { decision: 'accept' } as never;
      };
      const { first, second } = startTwo([{ approvalHandler: handler('first') }, { approvalHandler: handler('second') }]);
      b.server.emit(commandApprovalRequest(501, 'c1', 'rm -rf build'));
      second.unsubscribe();
      b.server.emit(commandApprovalRequest(502, 'c2', 'rm -rf build'));
      expect(asked).toEqual(['second', 'first']);
      first.unsubscribe();
    });
  });

  describe('steer()', () => {
    it('sends turn/steer with expectedTurnId = the active turn, and emits the turn id', async () => {
      startTurn();
      const steer = new ObservableStream(b.thread.steer('Also update the README'));
      expect(b.server.paramsOf('turn/steer')).toEqual([{ threadId: FAKE_THREAD_ID, expectedTurnId: FAKE_TURN_ID, input: text('Also update the README') }]);
      b.server.respondTo('turn/steer', { turnId: FAKE_TURN_ID });
      expect(await steer.takeNext()).toBe(FAKE_TURN_ID);
      await steer.takeComplete();
    });

    it('is cold: nothing is sent before subscription', () => {
      startTurn();
      const steer$ = b.thread.steer('more');
      expect(b.server.paramsOf('turn/steer')).toEqual([]);
      steer$.subscribe({ error: () => undefined });
      expect(b.server.paramsOf('turn/steer')).toHaveLength(1);
    });

    it('errors with CodexError, sending nothing, when no turn runs', async () => {
      const error = await new ObservableStream(b.thread.steer('more')).takeError();
      expect(CodexError.is(error)).toBe(true);
      expect((error as Error).message).toContain('no active turn');
      expect(b.transport.sent).toEqual([]);
    });

    it('errors with CodexError after the turn completed', async () => {
      const stream = startTurn();
      b.server.emit(turnCompleted());
      await stream.takeNext();
      expect(CodexError.is(await new ObservableStream(b.thread.steer('more')).takeError())).toBe(true);
      expect(b.server.paramsOf('turn/steer')).toEqual([]);
    });

    it('errors with ValidationError for empty input', async () => {
      startTurn();
      expect(ValidationError.is(await new ObservableStream(b.thread.steer([])).takeError())).toBe(true);
      expect(b.server.paramsOf('turn/steer')).toEqual([]);
    });
  });

  describe('interrupt()', () => {
    it('sends turn/interrupt {threadId, turnId} and completes once accepted', async () => {
      const turn$ = startTurn();
      const interrupt = new ObservableStream(b.thread.interrupt());
      expect(b.server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
      expect(await interrupt.takeNext()).toBeUndefined();
      await interrupt.takeComplete();
      // the server then completes the turn as interrupted
      b.server.emit(turnCompleted(DEFAULT_TURN_REF, 'interrupted'));
      expect((await turn$.takeNext()).method).toBe('turn/started');
      expect(((await turn$.takeNext()) as ReturnType<typeof turnCompleted>).params.turn.status).toBe('interrupted');
      await turn$.takeComplete();
      expectIdle(b.codex);
    });

    it('errors with CodexError, sending nothing, when no turn runs', async () => {
      const error = await new ObservableStream(b.thread.interrupt()).takeError();
      expect(CodexError.is(error)).toBe(true);
      expect(b.transport.sent).toEqual([]);
    });
  });

  describe('read() / setName() / compact()', () => {
    it('read() sends thread/read with includeTurns false by default', async () => {
      const read = new ObservableStream(b.thread.read());
      expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: false }]);
      const answer = { thread: b.thread.info, readState: null };
      b.server.respondTo('thread/read', answer);
      expect(await read.takeNext()).toEqual(answer);
    });

    it('read({ includeTurns: true }) asks for the turns', () => {
      b.thread.read({ includeTurns: true }).subscribe({ error: () => undefined });
      expect(b.server.paramsOf('thread/read')).toEqual([{ threadId: FAKE_THREAD_ID, includeTurns: true }]);
    });

    it('setName() sends thread/name/set and completes with undefined', async () => {
      const rename = new ObservableStream(b.thread.setName('Refactor'));
      expect(b.server.paramsOf('thread/name/set')).toEqual([{ threadId: FAKE_THREAD_ID, name: 'Refactor' }]);
      b.server.respondTo('thread/name/set', {});
      expect(await rename.takeNext()).toBeUndefined();
      await rename.takeComplete();
    });

    it('setName() refuses a non-string, sending nothing', async () => {
      expect(ValidationError.is(await new ObservableStream(b.thread.setName(42 as unknown as string)).takeError())).toBe(true);
      expect(b.transport.sent).toEqual([]);
    });

    it('compact() sends thread/compact/start', async () => {
      const compact = new ObservableStream(b.thread.compact());
      expect(b.server.paramsOf('thread/compact/start')).toEqual([{ threadId: FAKE_THREAD_ID }]);
      b.server.respondTo('thread/compact/start', {});
      expect(await compact.takeNext()).toBeUndefined();
      await compact.takeComplete();
    });
  });

  describe('run()', () => {
    const userItem = userMessageItem('user-1', 'Hi');
    const commentary = agentMessageItem('msg-1', 'Looking at the files.', 'commentary');
    const cmd = commandExecutionItem('cmd-1', 'ls');

    /** Runs a turn whose server emits `events` (then turn/completed), and returns the run's stream. */
    function run(events: TurnNotification[], completed = turnCompleted(), options?: Parameters<Thread['run']>[1]) {
      const stream = new ObservableStream(b.thread.run('Hi', options));
      b.server.respondTo('turn/start', turnStartResponse());
      for (const e of [turnStarted(), ...events, completed]) b.server.emit(e);
      return stream;
    }

    it('reduces the turn to a TurnResult: items from item/completed only, last usage, status, times', async () => {
      const answer = agentMessageItem('msg-2', 'Done.', 'final_answer');
      const summaryOnly = agentMessageItem('summary-1', 'not authoritative');
      const completed = turnCompleted();
      completed.params.turn.items = [summaryOnly];
      const stream = run(
        [
          itemStarted(userItem),
          itemCompleted(userItem),
          itemStarted(commentary),
          agentMessageDelta('msg-1', 'Looking'),
          itemCompleted(commentary),
          itemStarted(cmd),
          tokenUsageUpdated(usage(100)),
          itemCompleted(cmd),
          agentMessageDelta('msg-2', 'Done.'),
          itemCompleted(answer),
          tokenUsageUpdated(usage(250)),
        ],
        completed,
      );
      const result = await stream.takeNext();
      await stream.takeComplete();
      expect(result).toEqual<TurnResult>({
        id: FAKE_TURN_ID,
        threadId: FAKE_THREAD_ID,
        status: 'completed',
        error: null,
        startedAt: 1_700_000_100,
        completedAt: 1_700_000_103,
        durationMs: 3_000,
        finalResponse: 'Done.',
        items: [userItem, commentary, cmd, answer],
        usage: usage(250),
      });
      expect(b.transport.sent.map((m) => m.method)).toEqual(['turn/start']); // no interrupt
      expect(b.thread.activeTurn).toBeUndefined();
      expectIdle(b.codex);
    });

    it.each([
      ['the last final_answer, even before a later unphased message', [agentMessageItem('a', 'first', 'final_answer'), agentMessageItem('b', 'second', 'final_answer'), agentMessageItem('c', 'later')], 'second'],
      ['else the last message without a phase', [agentMessageItem('a', 'one'), agentMessageItem('b', 'two'), agentMessageItem('c', 'thinking', 'commentary')], 'two'],
      ['null when only commentary', [agentMessageItem('a', 'thinking', 'commentary'), agentMessageItem('b', 'partial', 'partial_answer')], null],
      ['null when no agent message', [userMessageItem('u', 'Hi')], null],
    ])('finalResponse is %s', async (_case, items, expected) => {
      const stream = run(items.map((i) => itemCompleted(i)));
      expect((await stream.takeNext()).finalResponse).toBe(expected);
    });

    it('has usage null when no thread/tokenUsage/updated came', async () => {
      expect((await run([]).takeNext()).usage).toBeNull();
    });

    it('emits status interrupted for an interrupted turn', async () => {
      const stream = run([agentMessageDelta('msg-1', 'Hal')], turnCompleted(DEFAULT_TURN_REF, 'interrupted'));
      const result = await stream.takeNext();
      expect(result.status).toBe('interrupted');
      await stream.takeComplete();
    });

    it('fails with TurnFailedError carrying the turn error for a failed turn', async () => {
      const failure = turnError('model provider returned 500');
      const stream = run([], turnCompleted(DEFAULT_TURN_REF, 'failed', failure));
      const error = await stream.takeError();
      expect(TurnFailedError.is(error)).toBe(true);
      expect(error).toMatchObject({ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID, turnError: failure, turn: turnInfo({ id: FAKE_TURN_ID, status: 'failed', ...{ error: failure } }) });
      expect((error as Error).message).toContain('model provider returned 500');
      expect(b.thread.activeTurn).toBeUndefined();
      expectIdle(b.codex);
    });

    it('fails with the transport error when the app-server dies mid-turn', async () => {
      const stream = new ObservableStream(b.thread.run('Hi'));
      b.server.respondTo('turn/start', turnStartResponse());
      b.transport.fail();
      expect(CodexError.is(await stream.takeError())).toBe(true);
      expectIdle(b.codex);
    });

    it('is cold and one turn per subscription', async () => {
      const run$ = b.thread.run('Hi');
      expect(b.server.paramsOf('turn/start')).toEqual([]);
      const first = lastValueFrom(run$);
      b.server.respondTo('turn/start', turnStartResponse('turn-1'));
      b.server.emit(turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-1' }, 'completed', null));
      const second = lastValueFrom(run$);
      b.server.respondTo('turn/start', turnStartResponse('turn-2'));
      b.server.emit(turnCompleted({ threadId: FAKE_THREAD_ID, turnId: 'turn-2' }, 'completed', null));
      expect((await first).id).toBe('turn-1');
      expect((await second).id).toBe('turn-2');
      expect(b.server.paramsOf('turn/start')).toHaveLength(2);
    });

    describe('with outputSchema', () => {
      const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, required: ['ok'], additionalProperties: false };

      it('sends the schema and parses the final response into output', async () => {
        const stream = run([itemCompleted(agentMessageItem('m', '{"ok":true}', 'final_answer'))], turnCompleted(), { outputSchema: schema });
        expect(b.server.paramsOf('turn/start')).toEqual([{ threadId: FAKE_THREAD_ID, input: text('Hi'), outputSchema: schema }]);
        const result = await stream.takeNext();
        expect(result.output).toEqual({ ok: true });
        expect(result.finalResponse).toBe('{"ok":true}');
      });

      it('fails with ValidationError keeping the raw text when the answer is not JSON', async () => {
        const stream = run([itemCompleted(agentMessageItem('m', 'Sure! ok=true', 'final_answer'))], turnCompleted(), { outputSchema: schema });
        const error = await stream.takeError();
        expect(ValidationError.is(error)).toBe(true);
        expect(error).toMatchObject({ raw: 'Sure! ok=true' });
      });

      it('fails with ValidationError when there is no final response', async () => {
        const stream = run([], turnCompleted(), { outputSchema: schema });
        expect(ValidationError.is(await stream.takeError())).toBe(true);
      });

      it('leaves output undefined without a schema', async () => {
        const result = await run([itemCompleted(agentMessageItem('m', '{"ok":true}', 'final_answer'))]).takeNext();
        expect(result.output).toBeUndefined();
      });
    });
  });
});
