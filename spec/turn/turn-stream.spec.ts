import { Connection } from '../../lib/rpc/connection.js';
import { CodexError, InvalidParamsError, ProtocolError, TransportClosedError } from '../../lib/errors.js';
import type { TurnStartParams } from '../../lib/protocol/generated/v2/TurnStartParams.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { turnStream, type TurnHooks } from '../../lib/turn/turn-stream.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, agentMessageItem, itemCompleted, turnCompleted, turnStartResponse, turnStarted } from '../../lib/testing/index.js';
import { HandServer } from '../support/hand-server.js';
import { ObservableStream } from '../support/observable-stream.js';
import { clientInfo } from '../rpc/support.js';

const params: TurnStartParams = { threadId: FAKE_THREAD_ID, input: [{ type: 'text', text: 'Hi', text_elements: [] }] };

function setup(options: { maxBufferedPerThread?: number } = {}) {
  const transport = new InMemoryTransport();
  transport.onRequest('turn/interrupt', () => ({}));
  const connection = new Connection(transport, { clientInfo, ...options });
  connection.connect().subscribe();
  transport.clearSent();
  const server = new HandServer(transport);
  const calls: string[] = [];
  const hooks: TurnHooks = {
    started: (id) => calls.push(`started:${id}`),
    running: (id) => calls.push(`running:${id}`),
    ended: (id) => calls.push(`ended:${id}`),
  };
  return { transport, connection, server, hooks, calls };
}

function expectConnectionIdle(connection: Connection): void {
  expect(connection.stats).toEqual({ pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 });
}

describe('turnStream', () => {
  it('runs a turn end to end over a live connection', async () => {
    const { connection, server, transport } = setup();
    const stream = new ObservableStream(turnStream(connection, params));
    expect(server.paramsOf('turn/start')).toEqual([params]);
    server.respondTo('turn/start', turnStartResponse());
    server.emit(turnStarted());
    server.emit(agentMessageDelta('msg-1', 'Hi there'));
    server.emit(itemCompleted(agentMessageItem('msg-1', 'Hi there', 'final_answer')));
    server.emit(turnCompleted());
    expect((await stream.takeNext()).method).toBe('turn/started');
    expect((await stream.takeNext()).method).toBe('item/agentMessage/delta');
    expect((await stream.takeNext()).method).toBe('item/completed');
    expect(await stream.takeNext()).toEqual(turnCompleted());
    await stream.takeComplete();
    expect(transport.sent.map((m) => m.method)).toEqual(['turn/start']);
    expectConnectionIdle(connection);
  });

  describe('hooks', () => {
    it('reports started(id) and ended(id) once for a turn that completes', () => {
      const { connection, server, hooks, calls } = setup();
      turnStream(connection, params, hooks).subscribe({ error: () => undefined });
      server.respondTo('turn/start', turnStartResponse());
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`]);
      server.emit(turnCompleted());
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`, `ended:${FAKE_TURN_ID}`]);
    });

    it('reports ended once when turn/completed arrived before the turn/start answer', () => {
      const { connection, server, hooks, calls } = setup();
      const stream = new ObservableStream(turnStream(connection, params, hooks));
      server.emit(turnStarted());
      server.emit(turnCompleted());
      server.respondTo('turn/start', turnStartResponse());
      expect(stream.peekAll().map((e) => e.type)).toEqual(['next', 'next', 'complete']);
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`, `running:${FAKE_TURN_ID}`, `ended:${FAKE_TURN_ID}`]);
      expectConnectionIdle(connection);
    });

    it('reports ended once when unsubscribed before the id was known', () => {
      const { connection, server, hooks, calls } = setup();
      turnStream(connection, params, hooks).subscribe({ error: () => undefined }).unsubscribe();
      expect(calls).toEqual([]);
      server.respondTo('turn/start', turnStartResponse());
      // The server refuses turn/interrupt until the turn runs: wait for turn/started.
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`]);
      expect(server.paramsOf('turn/interrupt')).toEqual([]);
      server.emit(turnStarted());
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`, `running:${FAKE_TURN_ID}`, `ended:${FAKE_TURN_ID}`]);
      expect(server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
      expectConnectionIdle(connection);
    });

    it('waits for turn/started to interrupt when unsubscribed between the turn/start answer and turn/started', () => {
      const { connection, server, hooks, calls } = setup();
      const sub = turnStream(connection, params, hooks).subscribe({ error: () => undefined });
      server.respondTo('turn/start', turnStartResponse());
      sub.unsubscribe();
      expect(server.paramsOf('turn/interrupt')).toEqual([]);
      expect(connection.stats.routes).toBe(1); // still following the turn, invisibly
      server.emit(turnStarted());
      expect(server.paramsOf('turn/interrupt')).toEqual([{ threadId: FAKE_THREAD_ID, turnId: FAKE_TURN_ID }]);
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`, `running:${FAKE_TURN_ID}`, `ended:${FAKE_TURN_ID}`]);
      expectConnectionIdle(connection);
    });

    it('reports ended once when unsubscribed mid-turn', () => {
      const { connection, server, hooks, calls } = setup();
      const sub = turnStream(connection, params, hooks).subscribe({ error: () => undefined });
      server.respondTo('turn/start', turnStartResponse());
      server.emit(turnStarted());
      sub.unsubscribe();
      sub.unsubscribe();
      expect(calls).toEqual([`started:${FAKE_TURN_ID}`, `running:${FAKE_TURN_ID}`, `ended:${FAKE_TURN_ID}`]);
      expect(server.paramsOf('turn/interrupt')).toHaveLength(1);
    });

    it('reports ended(undefined) once when turn/start fails', () => {
      const { connection, server, hooks, calls } = setup();
      const errors: unknown[] = [];
      turnStream(connection, params, hooks).subscribe({ error: (e) => errors.push(e) });
      server.failTo('turn/start', -32602, 'bad input');
      expect(InvalidParamsError.is(errors[0])).toBe(true);
      expect(calls).toEqual(['ended:undefined']);
      expectConnectionIdle(connection);
    });

    it('reports ended(undefined) once when turn/start fails after the consumer left', () => {
      const { connection, server, hooks, calls } = setup();
      turnStream(connection, params, hooks).subscribe({ error: () => undefined }).unsubscribe();
      server.failTo('turn/start', -32602, 'bad input');
      expect(calls).toEqual(['ended:undefined']);
      expect(server.paramsOf('turn/interrupt')).toEqual([]);
      expectConnectionIdle(connection);
    });

    it.each([
      ['before the answer', false],
      ['after the answer', true],
    ])('reports ended once when the transport dies %s', (_when, answered) => {
      const { connection, server, transport, hooks, calls } = setup();
      const errors: unknown[] = [];
      turnStream(connection, params, hooks).subscribe({ error: (e) => errors.push(e) });
      if (answered) server.respondTo('turn/start', turnStartResponse());
      transport.fail();
      expect(errors).toHaveLength(1);
      expect(TransportClosedError.is(errors[0])).toBe(true);
      expect(calls.filter((c) => c.startsWith('ended'))).toHaveLength(1);
      expectConnectionIdle(connection);
    });
  });

  it('errors at once (nothing sent) when the connection is already closed', async () => {
    const { connection, transport, hooks, calls } = setup();
    await connection.close();
    transport.clearSent();
    const stream = new ObservableStream(turnStream(connection, params, hooks));
    expect(TransportClosedError.is(await stream.takeError())).toBe(true);
    expect(transport.sent).toEqual([]);
    expect(calls).toEqual(['ended:undefined']);
  });

  it('errors with ProtocolError when more early messages arrive than the buffer holds', async () => {
    const { connection, server } = setup({ maxBufferedPerThread: 2 });
    const stream = new ObservableStream(turnStream(connection, params));
    server.emit(turnStarted());
    server.emit(agentMessageDelta('msg-1', 'a'));
    server.emit(agentMessageDelta('msg-1', 'b'));
    const error = await stream.takeError();
    expect(ProtocolError.is(error)).toBe(true);
    expect(CodexError.is(error)).toBe(true);
    server.respondTo('turn/start', turnStartResponse());
    server.emit(turnCompleted());
    expectConnectionIdle(connection);
  });

  it('interrupts the turn whose early messages overflowed once its id is known: nobody listens to it', async () => {
    const { connection, server, transport } = setup({ maxBufferedPerThread: 2 });
    const stream = new ObservableStream(turnStream(connection, params));
    server.emit(turnStarted());
    server.emit(agentMessageDelta('msg-1', 'a'));
    server.emit(agentMessageDelta('msg-1', 'b'));
    expect(ProtocolError.is(await stream.takeError())).toBe(true);
    expect(transport.sent.filter((m) => m.method === 'turn/interrupt')).toEqual([]);
    server.respondTo('turn/start', turnStartResponse());
    expect(transport.sent.filter((m) => m.method === 'turn/interrupt').map((m) => m.params)).toEqual([{ threadId: params.threadId, turnId: turnStartResponse().turn.id }]);
  });
});
