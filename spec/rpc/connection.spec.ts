import { firstValueFrom, lastValueFrom, Observable, of, Subject, throwError, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import {
  InternalRpcError,
  InvalidParamsError,
  InvalidRequestError,
  JsonRpcError,
  MethodNotFoundError,
  ProtocolError,
  RequestTimeoutError,
  ServerBusyError,
  TransportClosedError,
  ValidationError,
} from '../../lib/errors.js';
import { Connection, type ConnectionOptions, type RoutedMessage } from '../../lib/rpc/connection.js';
import type { RouteSink } from '../../lib/rpc/demultiplexer.js';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport, type SentMessage } from '../../lib/transport/in-memory-transport.js';
import { ObservableStream } from '../support/observable-stream.js';
import { flush } from '../support/settle.js';
import { clientInfo, setup } from './support.js';

const ZERO_STATS = { pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 };

/** Connects and clears what the handshake sent. */
async function connected(options: Partial<ConnectionOptions> = {}) {
  const s = setup(options);
  await firstValueFrom(s.connection.connect());
  s.transport.clearSent();
  return s;
}

/** A route sink that records what it gets. */
function recordingSink() {
  const got: RoutedMessage[] = [];
  const errors: unknown[] = [];
  const sink: RouteSink<RoutedMessage> = { next: (m) => got.push(m), error: (e) => errors.push(e) };
  return { sink, got, errors };
}

/** The answers the client sent to server requests (messages with an id and no method). */
const answers = (sent: SentMessage[]) => sent.filter((m) => m.method === undefined && m.id !== undefined);

describe('Connection', () => {
  describe('requests', () => {
    it('are cold: nothing is sent until subscribe, and each subscription sends anew with its own id', async () => {
      const { transport, connection } = await connected();
      let n = 0;
      transport.onRequest('model/list', (params) => ({ n: ++n, echo: params }));
      const request = connection.request('model/list', { limit: 1 });
      expect(transport.sent).toEqual([]);
      expect(await firstValueFrom(request)).toEqual({ n: 1, echo: { limit: 1 } });
      expect(await firstValueFrom(request)).toEqual({ n: 2, echo: { limit: 1 } });
      expect(transport.sent).toHaveLength(2);
      expect(transport.sent[0].id).not.toEqual(transport.sent[1].id);
      expect(transport.sent[0]).toEqual({ id: transport.sent[0].id, method: 'model/list', params: { limit: 1 } });
    });

    it('omit params when undefined', async () => {
      const { transport, connection } = await connected();
      transport.onRequest('account/logout', () => ({}));
      await firstValueFrom(connection.request('account/logout', undefined));
      expect(transport.sent[0]).toEqual({ id: expect.anything(), method: 'account/logout' });
      expect('params' in transport.sent[0]).toBe(false);
    });

    it('emit the answer once, then complete', async () => {
      const { transport, connection } = await connected();
      const r = new ObservableStream(connection.request('model/list', {}));
      transport.respond(transport.sent[0].id!, { data: ['m'] });
      expect(await r.takeNext()).toEqual({ data: ['m'] });
      await r.takeComplete();
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('matches answers to requests by id, in any order', async () => {
      const { transport, connection } = await connected();
      const a = new ObservableStream(connection.request('model/list', { a: 1 } as never));
      const b = new ObservableStream(connection.request('model/list', { b: 1 } as never));
      const [sa, sb] = transport.sent;
      transport.respond(sb.id!, 'for b');
      transport.respond(sa.id!, 'for a');
      expect(await a.takeNext()).toBe('for a');
      expect(await b.takeNext()).toBe('for b');
    });

    it('unsubscribing before the answer leaves no pending entry; the late answer is only a warning', async () => {
      const { transport, connection, warnings } = await connected();
      const sub = connection.request('model/list', {}).subscribe();
      expect(connection.stats.pendingRequests).toBe(1);
      sub.unsubscribe();
      expect(connection.stats).toEqual(ZERO_STATS);
      transport.respond(transport.sent[0].id!, { late: true });
      expect(warnings.map((w) => w.kind)).toEqual(['unknown-response']);
      // Still working.
      transport.onRequest('model/list', () => 'ok');
      expect(await firstValueFrom(connection.request('model/list', {}))).toBe('ok');
    });

    it('unsubscribing while the handshake runs means the request is never sent', async () => {
      const { transport, connection } = setup({}, { initializeResponse: null });
      const sub = connection.request('model/list', {}).subscribe();
      sub.unsubscribe();
      transport.respond(transport.sent[0].id!, FAKE_INITIALIZE_RESPONSE);
      expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized']);
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it.each([
      [-32700, 'ParseError', 'parse'],
      [-32600, 'InvalidRequestError', 'Invalid request'],
      [-32601, 'MethodNotFoundError', 'no such method'],
      [-32602, 'InvalidParamsError', 'bad params'],
      [-32603, 'InternalRpcError', 'internal'],
      [-32001, 'ServerBusyError', 'Server overloaded; retry later'],
      [-32042, 'JsonRpcError', 'something else'],
    ])('map error %i to %s', async (code, name, message) => {
      const { transport, connection } = await connected();
      transport.onRequest('thread/start', () => {
        throw { code, message, data: { d: 1 } };
      });
      const e = (await firstValueFrom(connection.request('thread/start', {})).catch((x) => x)) as JsonRpcError;
      expect(e.name).toBe(name);
      expect(JsonRpcError.is(e)).toBe(true);
      expect(e).toMatchObject({ code, method: 'thread/start', data: { d: 1 } });
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('error classes answer is() along the hierarchy', async () => {
      const { transport, connection } = await connected();
      transport.onRequest('a', () => {
        throw { code: -32001, message: 'Server overloaded; retry later' };
      });
      transport.onRequest('b', () => {
        throw { code: -32602, message: 'x' };
      });
      transport.onRequest('c', () => {
        throw { code: -32601, message: 'x' };
      });
      transport.onRequest('d', () => {
        throw { code: -32603, message: 'x' };
      });
      const err = (m: string) => firstValueFrom(connection.request(m, {})).catch((x) => x);
      expect(ServerBusyError.is(await err('a'))).toBe(true);
      expect(InvalidParamsError.is(await err('b'))).toBe(true);
      expect(MethodNotFoundError.is(await err('c'))).toBe(true);
      expect(InternalRpcError.is(await err('d'))).toBe(true);
    });

    it('time out with RequestTimeoutError (per call), and the late answer is a warning', async () => {
      const { transport, connection, warnings } = await connected();
      const r = new ObservableStream(connection.request('model/list', {}, { timeoutMs: 15 }));
      const e = (await r.takeError(500)) as RequestTimeoutError;
      expect(RequestTimeoutError.is(e)).toBe(true);
      expect(e).toMatchObject({ method: 'model/list', timeoutMs: 15 });
      expect(connection.stats).toEqual(ZERO_STATS);
      transport.respond(transport.sent[0].id!, {});
      expect(warnings.map((w) => w.kind)).toEqual(['unknown-response']);
    });

    it('time out after requestTimeoutMs (connection-wide)', async () => {
      const { connection } = await connected({ requestTimeoutMs: 10 });
      const e = await firstValueFrom(connection.request('model/list', {})).catch((x) => x);
      expect(e).toBeInstanceOf(RequestTimeoutError);
      expect(e.timeoutMs).toBe(10);
    });

    describe('timeouts in virtual time', () => {
      let scheduler: TestScheduler;
      beforeEach(() => {
        scheduler = new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
      });

      it('errors exactly at the deadline, not before', () => {
        scheduler.run(({ expectObservable }) => {
          const transport = new InMemoryTransport();
          const connection = new Connection(transport, { clientInfo, requestTimeoutMs: 50, scheduler });
          expectObservable(connection.request('model/list', {})).toBe('50ms #', undefined, new RequestTimeoutError('model/list', 50));
          expectObservable(connection.request('thread/read', {} as never, { timeoutMs: 7 })).toBe('7ms #', undefined, new RequestTimeoutError('thread/read', 7));
        });
      });

      it('defaults to 300 000 ms', () => {
        scheduler.run(({ expectObservable }) => {
          const connection = new Connection(new InMemoryTransport(), { clientInfo, scheduler });
          expectObservable(connection.request('model/list', {})).toBe('300000ms #', undefined, new RequestTimeoutError('model/list', 300_000));
        });
      });

      it('timeoutMs 0 means no deadline', () => {
        scheduler.run(({ expectObservable, cold }) => {
          const transport = new InMemoryTransport();
          const connection = new Connection(transport, { clientInfo, requestTimeoutMs: 0, scheduler });
          const request = connection.request('model/list', {});
          // The answer comes after a long while, and is still taken.
          cold('1000000ms a').subscribe(() => transport.respond(transport.sent[2].id!, 'late'));
          expectObservable(request).toBe('1000000ms (a|)', { a: 'late' });
        });
      });

      it('an answer before the deadline cancels the timer', () => {
        scheduler.run(({ expectObservable, cold }) => {
          const transport = new InMemoryTransport();
          const connection = new Connection(transport, { clientInfo, requestTimeoutMs: 50, scheduler });
          const request = connection.request('model/list', {});
          cold('      20ms a').subscribe(() => transport.respond(transport.sent[2].id!, 'ok'));
          expectObservable(request).toBe('20ms (a|)', { a: 'ok' });
        });
      });
    });

    it('validateParams issues fail the request with ValidationError and nothing is sent', async () => {
      const validateParams = jest.fn((method: string, params: unknown) =>
        method === 'thread/start' && (params as { cwd?: unknown }).cwd === 1 ? [{ path: '/cwd', message: 'must be string' }] : [],
      );
      const { transport, connection } = setup({ validateParams });
      const e = (await firstValueFrom(connection.request('thread/start', { cwd: 1 } as never)).catch((x) => x)) as ValidationError;
      expect(ValidationError.is(e)).toBe(true);
      expect(e.issues).toEqual([{ path: '/cwd', message: 'must be string' }]);
      expect(e.message).toContain('thread/start');
      expect(validateParams).toHaveBeenCalledWith('thread/start', { cwd: 1 }, expect.objectContaining({ server: undefined })); // before the handshake
      expect(transport.sent).toEqual([]);
      expect(transport.started).toBe(false);

      // Valid params go through.
      transport.onRequest('thread/start', () => ({ thread: { id: 't' } }));
      expect(await firstValueFrom(connection.request('thread/start', { cwd: '/tmp' }))).toEqual({ thread: { id: 't' } });
      expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/start']);
    });

    it('validateParams returning undefined lets the request through', async () => {
      const { transport, connection } = setup({ validateParams: () => undefined });
      transport.onRequest('model/list', () => 1);
      expect(await firstValueFrom(connection.request('model/list', {}))).toBe(1);
    });
  });

  describe('notifications$', () => {
    it('is hot and started by the connection: a notification nobody listens to breaks nothing', async () => {
      const { transport, connection, warnings } = await connected();
      transport.notify('thread/started', { thread: { id: 't0' } });
      const seen = new ObservableStream(connection.notifications$);
      transport.notify('turn/started', { threadId: 't1', turn: { id: 'u1' } });
      expect(await seen.takeNext()).toEqual({ method: 'turn/started', params: { threadId: 't1', turn: { id: 'u1' } } });
      await seen.expectNoEvent();
      expect(warnings).toEqual([]);
      seen.unsubscribe();
    });

    it('does not start the transport by being subscribed', () => {
      const { transport, connection } = setup();
      connection.notifications$.subscribe();
      expect(transport.started).toBe(false);
    });

    it('delivers each notification to every subscriber, in order, with the same object', async () => {
      const { transport, connection } = await connected();
      const a: unknown[] = [];
      const b: unknown[] = [];
      connection.notifications$.subscribe((n) => a.push(n));
      connection.notifications$.subscribe((n) => b.push(n));
      const n1 = { method: 'warning', params: { message: 'one' } };
      const n2 = { method: 'account/updated', params: {} };
      transport.emit(n1);
      transport.emit(n2);
      expect(a).toEqual([n1, n2]);
      expect(a[0]).toBe(n1);
      expect(b).toEqual([n1, n2]);
    });

    it('responses are not lost when notification subscribers drop to zero', async () => {
      const { transport, connection } = await connected();
      const sub = connection.notifications$.subscribe();
      const r = new ObservableStream(connection.request('model/list', {}));
      sub.unsubscribe();
      transport.notify('warning', { message: 'nobody hears this' });
      transport.respond(transport.sent[0].id!, 'answer');
      expect(await r.takeNext()).toBe('answer');
      // And notifications still flow to a new subscriber.
      const again = new ObservableStream(connection.notifications$);
      transport.notify('warning', { message: 'heard' });
      expect(await again.takeNext()).toEqual({ method: 'warning', params: { message: 'heard' } });
      again.unsubscribe();
    });

    it('a throwing notification subscriber does not break the connection', async () => {
      const { transport, connection } = await connected();
      const onUnhandled = jest.fn();
      const { config } = await import('rxjs');
      const previous = config.onUnhandledError;
      config.onUnhandledError = onUnhandled;
      try {
        connection.notifications$.subscribe(() => {
          throw new Error('subscriber bug');
        });
        transport.notify('warning', { message: 'x' });
        transport.onRequest('model/list', () => 'still ok');
        expect(await firstValueFrom(connection.request('model/list', {}))).toBe('still ok');
        await flush();
      } finally {
        config.onUnhandledError = previous;
      }
    });
  });

  describe('server requests', () => {
    const approval = (id: string | number, turnId = 'u1') => ({
      id,
      method: 'item/commandExecution/requestApproval',
      params: { threadId: 't1', turnId, itemId: 'i1', command: 'ls' },
    });

    it('are answered with the handler value, which sees the request and its ids', async () => {
      const handler = jest.fn(() => ({ decision: 'accept' }));
      const { transport } = await connected({ serverRequestHandler: handler });
      transport.emit(approval('srv-1'));
      expect(handler).toHaveBeenCalledWith(approval('srv-1'), { threadId: 't1', turnId: 'u1' });
      expect(transport.sent).toEqual([{ id: 'srv-1', result: { decision: 'accept' } }]);
    });

    it('keeps numeric and string ids as they came', async () => {
      const { transport } = await connected({ serverRequestHandler: () => 'x' });
      transport.emit(approval(0));
      transport.emit(approval('0'));
      expect(transport.sent).toEqual([
        { id: 0, result: 'x' },
        { id: '0', result: 'x' },
      ]);
    });

    it('are answered with {} when the handler returns nothing', async () => {
      const { transport } = await connected({ serverRequestHandler: () => undefined });
      transport.emit(approval(1));
      expect(transport.sent).toEqual([{ id: 1, result: {} }]);
    });

    it('are answered when the handler Promise resolves', async () => {
      let resolve!: (v: unknown) => void;
      const { transport, connection } = await connected({ serverRequestHandler: () => new Promise((r) => (resolve = r)) });
      transport.emit(approval(2));
      expect(transport.sent).toEqual([]);
      expect(connection.stats.pendingServerRequests).toBe(1);
      resolve({ decision: 'decline' });
      await flush();
      expect(transport.sent).toEqual([{ id: 2, result: { decision: 'decline' } }]);
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('are answered with the first value of a handler Observable, once', async () => {
      const answer$ = new Subject<unknown>();
      const { transport, connection } = await connected({ serverRequestHandler: () => answer$ });
      transport.emit(approval(3));
      expect(transport.sent).toEqual([]);
      answer$.next({ decision: 'accept' });
      answer$.next({ decision: 'decline' });
      answer$.complete();
      expect(transport.sent).toEqual([{ id: 3, result: { decision: 'accept' } }]);
      expect(answer$.observed).toBe(false);
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('a synchronous handler Observable answers at once', async () => {
      const { transport } = await connected({ serverRequestHandler: () => of('a', 'b') });
      transport.emit(approval(4));
      expect(transport.sent).toEqual([{ id: 4, result: 'a' }]);
    });

    it('a throwing handler answers with a JSON-RPC error and warns', async () => {
      const { transport, warnings } = await connected({
        serverRequestHandler: () => {
          throw new Error('handler bug');
        },
      });
      transport.emit(approval(5));
      expect(transport.sent).toEqual([{ id: 5, error: { code: -32603, message: expect.stringContaining('handler bug') } }]);
      expect(warnings).toEqual([{ kind: 'handler-error', message: expect.stringContaining('handler bug'), detail: expect.any(Error) }]);
    });

    it('a rejecting Promise answers with a JSON-RPC error and warns', async () => {
      const { transport, warnings } = await connected({ serverRequestHandler: () => Promise.reject(new Error('async bug')) });
      transport.emit(approval(6));
      await flush();
      expect(transport.sent).toEqual([{ id: 6, error: { code: -32603, message: expect.stringContaining('async bug') } }]);
      expect(warnings.map((w) => w.kind)).toEqual(['handler-error']);
    });

    it('a handler that throws a JsonRpcError answers with its code', async () => {
      const { transport } = await connected({
        serverRequestHandler: () => throwError(() => new InvalidParamsError(-32602, 'unsupported decision')),
      });
      transport.emit(approval(7));
      expect(transport.sent).toEqual([{ id: 7, error: { code: -32602, message: expect.stringContaining('unsupported decision') } }]);
    });

    it('a handler Observable that completes empty is answered with an error', async () => {
      const { transport } = await connected({ serverRequestHandler: () => of() });
      transport.emit(approval(8));
      expect(transport.sent).toEqual([{ id: 8, error: { code: -32603, message: expect.stringContaining('no answer') } }]);
    });

    it('without a handler are answered -32601', async () => {
      const { transport, warnings } = await connected();
      transport.emit(approval(9));
      expect(transport.sent).toEqual([{ id: 9, error: { code: -32601, message: expect.stringContaining('item/commandExecution/requestApproval') } }]);
      expect(warnings).toEqual([]);
    });

    it('are each answered exactly once, whatever the handler does', async () => {
      let i = 0;
      const behaviours: Array<() => unknown> = [
        () => 'value',
        () => Promise.resolve('promise'),
        () => of('obs1', 'obs2'),
        () => {
          throw new Error('sync');
        },
        () => Promise.reject(new Error('async')),
        () => of(),
        () => throwError(() => new Error('obs error')),
        () =>
          new Observable((s) => {
            const t = setTimeout(() => (s.next('late'), s.next('later'), s.error(new Error('after'))), 1);
            return () => clearTimeout(t);
          }),
      ];
      const { transport, connection } = await connected({ serverRequestHandler: () => behaviours[i++ % behaviours.length]() });
      const ids = Array.from({ length: behaviours.length * 3 }, (_, k) => `r${k}`);
      for (const id of ids) transport.emit(approval(id));
      await new Promise((r) => setTimeout(r, 20));
      const counts = new Map<unknown, number>();
      for (const a of answers(transport.sent)) counts.set(a.id, (counts.get(a.id) ?? 0) + 1);
      expect([...counts.keys()].sort()).toEqual([...ids].sort());
      expect([...counts.values()].every((c) => c === 1)).toBe(true);
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('stop their handler when the server says they are resolved (serverRequest/resolved), and are never answered', async () => {
      let resolve!: (v: unknown) => void;
      const { transport, connection } = await connected({ serverRequestHandler: () => new Promise((r) => (resolve = r)) });
      transport.emit(approval(11));
      expect(connection.stats.pendingServerRequests).toBe(1);
      transport.emit({ method: 'serverRequest/resolved', params: { threadId: 't', requestId: 11 } });
      expect(connection.stats.pendingServerRequests).toBe(0);
      resolve({ decision: 'accept' });
      await flush();
      expect(answers(transport.sent)).toEqual([]);
    });

    it('are not answered after the connection closed', async () => {
      let resolve!: (v: unknown) => void;
      const { transport, connection } = await connected({ serverRequestHandler: () => new Promise((r) => (resolve = r)) });
      transport.emit(approval(10));
      expect(connection.stats.pendingServerRequests).toBe(1);
      await connection.close();
      expect(connection.stats.pendingServerRequests).toBe(0);
      resolve('too late');
      await flush();
      expect(transport.sent).toEqual([]);
    });
  });

  describe('protocol warnings', () => {
    it('an unknown response id is a warning and the connection keeps working', async () => {
      const { transport, connection, warnings } = await connected();
      transport.respond(999, {});
      transport.respondError('nope', -32600, 'x');
      expect(warnings.map((w) => w.kind)).toEqual(['unknown-response', 'unknown-response']);
      expect(warnings[0].message).toContain('999');
      transport.onRequest('model/list', () => 'ok');
      expect(await firstValueFrom(connection.request('model/list', {}))).toBe('ok');
    });

    it('a malformed line is a warning and the connection keeps working', async () => {
      const { transport, connection, warnings } = await connected();
      const notes = new ObservableStream(connection.notifications$);
      transport.write('this is not json\n{"method":"warning","params":{"message":"after"}}\n');
      expect(warnings).toEqual([{ kind: 'malformed-line', message: expect.stringContaining('not JSON'), detail: 'this is not json' }]);
      expect(await notes.takeNext()).toEqual({ method: 'warning', params: { message: 'after' } });
      transport.onRequest('model/list', () => 'ok');
      expect(await firstValueFrom(connection.request('model/list', {}))).toBe('ok');
      notes.unsubscribe();
    });

    it.each([
      ['an array', [1, 2]],
      ['a number', 42],
      ['a string', 'hello'],
      ['null', null],
      ['an object that is not JSON-RPC', { hello: 'world' }],
      ['an error without code', { id: 1, error: { message: 'x' } }],
      ['a request with an object id', { id: {}, method: 'x' }],
    ])('%s is an invalid-message warning and the connection keeps working', async (_label, value) => {
      const { transport, connection, warnings } = await connected();
      transport.write(JSON.stringify(value) + '\n');
      expect(warnings).toEqual([{ kind: 'invalid-message', message: expect.stringContaining('not JSON-RPC'), detail: value }]);
      transport.onRequest('model/list', () => 'ok');
      expect(await firstValueFrom(connection.request('model/list', {}))).toBe('ok');
      expect(connection.state).toBe('ready');
    });

    it('validateInbound issues become schema-drift warnings; the message is still delivered and answered', async () => {
      const validateInbound = jest.fn((kind: string, method: string) =>
        method === 'warning' || method === 'item/tool/call' ? [{ path: '/x', message: `bad ${kind}` }] : [],
      );
      const { transport, connection, warnings } = await connected({ validateInbound, serverRequestHandler: () => 'answered' });
      const notes: unknown[] = [];
      connection.notifications$.subscribe((n) => notes.push(n));
      transport.notify('warning', { x: 1 });
      transport.notify('account/updated', {});
      transport.emit({ id: 'q', method: 'item/tool/call', params: { threadId: 't', turnId: 'u' } });
      expect(validateInbound).toHaveBeenCalledWith('notification', 'warning', { x: 1 });
      expect(validateInbound).toHaveBeenCalledWith('request', 'item/tool/call', { threadId: 't', turnId: 'u' });
      expect(warnings).toEqual([
        { kind: 'schema-drift', message: expect.stringContaining('/x bad notification'), detail: expect.objectContaining({ method: 'warning' }) },
        { kind: 'schema-drift', message: expect.stringContaining('/x bad request'), detail: expect.objectContaining({ method: 'item/tool/call' }) },
      ]);
      expect(notes).toHaveLength(2);
      expect(transport.sent).toEqual([{ id: 'q', result: 'answered' }]);
    });

    it('a throwing validateInbound is a schema-drift warning, not a failure', async () => {
      const { transport, connection, warnings } = await connected({
        validateInbound: () => {
          throw new Error('validator bug');
        },
      });
      const notes = new ObservableStream(connection.notifications$);
      transport.notify('warning', {});
      expect(await notes.takeNext()).toEqual({ method: 'warning', params: {} });
      expect(warnings).toEqual([{ kind: 'schema-drift', message: expect.stringContaining('validator bug'), detail: expect.any(Error) }]);
      expect(connection.state).toBe('ready');
      notes.unsubscribe();
    });

    it('a line over the size limit fails the connection with ProtocolError', async () => {
      const transport = new InMemoryTransport({ maxLineBytes: 16 });
      const connection = new Connection(transport, { clientInfo });
      await firstValueFrom(connection.connect());
      transport.onRequest('model/list', () => undefined);
      const pending = new ObservableStream(connection.request('x', {}));
      transport.write('{"method":"warning","params":{"message":"far too long"}}\n');
      expect(ProtocolError.is(await pending.takeError())).toBe(true);
      expect(connection.state).toBe('closed');
    });
  });

  describe('turn routing', () => {
    it('routes notifications of a claimed turn after bind, holding earlier ones', async () => {
      const { transport, connection } = await connected();
      const { sink, got } = recordingSink();
      const claim = connection.claimTurn('t1', sink);
      const started = { method: 'turn/started', params: { threadId: 't1', turn: { id: 'u1', status: 'inProgress' } } };
      const delta = { method: 'item/agentMessage/delta', params: { threadId: 't1', turnId: 'u1', itemId: 'i', delta: 'hi' } };
      transport.emit(started);
      transport.emit({ method: 'item/agentMessage/delta', params: { threadId: 't2', turnId: 'other', itemId: 'i', delta: 'x' } });
      expect(got).toEqual([]);
      expect(connection.stats).toMatchObject({ claimedThreads: 1, bufferedMessages: 1 });
      claim.bind('u1');
      transport.emit(delta);
      expect(got).toEqual([started, delta]);
      connection.releaseTurn('u1', sink);
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('routes server requests of a bound turn, and serverRequest/resolved after them', async () => {
      const { transport, connection } = await connected({ serverRequestHandler: () => new Promise(() => undefined) });
      const { sink, got } = recordingSink();
      connection.claimTurn('t1', sink).bind('u1');
      const request = { id: 'srv-1', method: 'item/fileChange/requestApproval', params: { threadId: 't1', turnId: 'u1', itemId: 'i' } };
      transport.emit(request);
      expect(connection.stats.trackedRequests).toBe(1);
      const resolved = { method: 'serverRequest/resolved', params: { threadId: 't1', requestId: 'srv-1' } };
      transport.emit(resolved);
      expect(got).toEqual([request, resolved]);
      expect(connection.stats.trackedRequests).toBe(0);
      connection.releaseTurn('u1');
      await connection.close();
    });

    it('routes serverRequest/resolved of a server request that arrived before the turn was bound', async () => {
      const { transport, connection } = await connected({ serverRequestHandler: () => ({ decision: 'accept' }) });
      const { sink, got } = recordingSink();
      const claim = connection.claimTurn('t1', sink);
      const request = { id: 'srv-early', method: 'item/commandExecution/requestApproval', params: { threadId: 't1', turnId: 'u1', itemId: 'i' } };
      transport.emit(request);
      claim.bind('u1');
      const resolved = { method: 'serverRequest/resolved', params: { threadId: 't1', requestId: 'srv-early' } };
      transport.emit(resolved);
      expect(got).toEqual([request, resolved]);
    });

    it('a thread-level notification (no turn id) is not routed to a turn', async () => {
      const { transport, connection } = await connected();
      const { sink, got } = recordingSink();
      connection.claimTurn('t1', sink).bind('u1');
      transport.notify('thread/status/changed', { threadId: 't1', status: { type: 'active' } });
      expect(got).toEqual([]);
    });

    it('overflow of a claimed thread errors its claim with ProtocolError; the connection lives on', async () => {
      const { transport, connection } = await connected({ maxBufferedPerThread: 2 });
      const { sink, errors } = recordingSink();
      connection.claimTurn('t1', sink);
      for (let k = 0; k < 3; k++) transport.notify('item/started', { threadId: 't1', turnId: 'u1', item: {} });
      expect(errors).toHaveLength(1);
      expect(ProtocolError.is(errors[0])).toBe(true);
      expect(connection.state).toBe('ready');
      expect(connection.stats).toEqual(ZERO_STATS);
    });
  });

  describe('transport failure', () => {
    it('errors pending requests, claimed and bound turns and notifications$ with the same TransportClosedError', async () => {
      const { transport, connection } = await connected();
      const pending1 = new ObservableStream(connection.request('model/list', {}));
      const pending2 = new ObservableStream(connection.request('thread/read', {} as never));
      const notes = new ObservableStream(connection.notifications$);
      const bound = recordingSink();
      const claimed = recordingSink();
      connection.claimTurn('t1', bound.sink).bind('u1');
      connection.claimTurn('t2', claimed.sink);
      const warningsDone = lastValueFrom(connection.warnings$.pipe(toArray()));

      const error = new TransportClosedError('in-memory app-server died', { exitCode: 1, stderrTail: 'panic' });
      transport.fail(error);

      expect(await pending1.takeError()).toBe(error);
      expect(await pending2.takeError()).toBe(error);
      expect(await notes.takeError()).toBe(error);
      expect(bound.errors).toEqual([error]);
      expect(bound.errors[0]).toBe(error);
      expect(claimed.errors[0]).toBe(error);
      expect(claimed.errors).toHaveLength(1);
      await warningsDone;
      expect(connection.state).toBe('closed');
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('later requests, claims and notifications fail at once with the same error, sending nothing', async () => {
      const { transport, connection } = await connected();
      const error = new TransportClosedError('gone');
      transport.fail(error);
      const r = new ObservableStream(connection.request('model/list', {}));
      expect(await r.takeError()).toBe(error);
      expect(() => connection.claimTurn('t', recordingSink().sink)).toThrow(error);
      expect(() => connection.notify('x')).toThrow(error);
      expect(transport.sent).toEqual([]);
    });

    it('a later connect() fails with the same error instead of replaying the old InitializeResponse', async () => {
      const { transport, connection } = await connected();
      const error = new TransportClosedError('gone');
      transport.fail(error);
      await expect(firstValueFrom(connection.connect())).rejects.toBe(error);
    });

    it('a non-Codex transport error is wrapped in TransportClosedError with its cause', async () => {
      const { transport, connection } = await connected();
      const r = new ObservableStream(connection.request('model/list', {}));
      const cause = new Error('EPIPE');
      transport.fail(cause);
      const e = (await r.takeError()) as TransportClosedError;
      expect(TransportClosedError.is(e)).toBe(true);
      expect(e.cause).toBe(cause);
    });

    it('the server ending the stream errors pending work with TransportClosedError', async () => {
      const { transport, connection } = await connected();
      const r = new ObservableStream(connection.request('model/list', {}));
      const notes = new ObservableStream(connection.notifications$);
      transport.end();
      const e = await r.takeError();
      expect(TransportClosedError.is(e)).toBe(true);
      expect(await notes.takeError()).toBe(e);
    });

    it('a transport failure during the handshake errors connect and waiting requests', async () => {
      const { transport, connection } = setup({}, { initializeResponse: null });
      const c = new ObservableStream(connection.connect());
      const r = new ObservableStream(connection.request('model/list', {}));
      const error = new TransportClosedError('died early');
      transport.fail(error);
      expect(await c.takeError()).toBe(error);
      expect(await r.takeError()).toBe(error);
      expect(connection.stats).toEqual(ZERO_STATS);
    });
  });

  describe('close()', () => {
    it('completes notifications$, errors pending requests and routes with TransportClosedError, and closes the transport', async () => {
      const { transport, connection } = await connected();
      const notes = new ObservableStream(connection.notifications$);
      const pending = new ObservableStream(connection.request('model/list', {}));
      const route = recordingSink();
      connection.claimTurn('t1', route.sink);
      await connection.close();
      await notes.takeComplete();
      const e = await pending.takeError();
      expect(TransportClosedError.is(e)).toBe(true);
      expect(route.errors).toEqual([e]);
      expect(transport.closedByClient).toBe(true);
      expect(connection.state).toBe('closed');
      expect(connection.stats).toEqual(ZERO_STATS);
    });

    it('is idempotent', async () => {
      const { transport, connection } = await connected();
      const close = jest.spyOn(transport, 'close');
      const p1 = connection.close();
      const p2 = connection.close();
      expect(p2).toBe(p1);
      await p1;
      await connection.close();
      expect(close).toHaveBeenCalledTimes(1);
    });

    it('makes a later connect() fail with TransportClosedError', async () => {
      const { connection } = await connected();
      await connection.close();
      const e = await firstValueFrom(connection.connect()).catch((x) => x);
      expect(TransportClosedError.is(e)).toBe(true);
    });

    it('makes later requests fail with TransportClosedError without sending', async () => {
      const { transport, connection } = await connected();
      await connection.close();
      const e = await firstValueFrom(connection.request('model/list', {})).catch((x) => x);
      expect(TransportClosedError.is(e)).toBe(true);
      expect(transport.sent).toEqual([]);
    });

    it('errors requests still waiting for the handshake', async () => {
      const { connection } = setup({}, { initializeResponse: null });
      const c = new ObservableStream(connection.connect());
      const r = new ObservableStream(connection.request('model/list', {}));
      await connection.close();
      expect(TransportClosedError.is(await c.takeError())).toBe(true);
      expect(TransportClosedError.is(await r.takeError())).toBe(true);
    });

    it('before any use: never starts the transport; connect then fails', async () => {
      const { transport, connection } = setup();
      await connection.close();
      expect(transport.started).toBe(false);
      await expect(firstValueFrom(connection.connect())).rejects.toBeInstanceOf(TransportClosedError);
    });

    it('completes warnings$', async () => {
      const { connection } = await connected();
      const w = new ObservableStream(connection.warnings$);
      await connection.close();
      await w.takeComplete();
    });
  });

  it('stats return to zero after mixed traffic', async () => {
    let resolve!: (v: unknown) => void;
    const { transport, connection } = await connected({ serverRequestHandler: () => new Promise((r) => (resolve = r)) });
    transport.onRequest('fast', () => 'x');
    await firstValueFrom(connection.request('fast', {}));
    const slow = connection.request('slow', {}).subscribe();
    const timedOut = new ObservableStream(connection.request('slow', {}, { timeoutMs: 5 }));
    const answered = new ObservableStream(connection.request('slow', {}));
    const answeredId = transport.sent[transport.sent.length - 1].id!;
    const route = recordingSink();
    const claim = connection.claimTurn('t1', route.sink);
    transport.notify('item/started', { threadId: 't1', turnId: 'u1', item: {} });
    claim.bind('u1');
    transport.emit({ id: 's1', method: 'item/tool/call', params: { threadId: 't1', turnId: 'u1', callId: 'c', tool: 't', arguments: {} } });
    expect(connection.stats).toEqual({ pendingRequests: 3, pendingServerRequests: 1, routes: 1, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 1 });

    slow.unsubscribe();
    await timedOut.takeError(500);
    transport.respond(answeredId, 'done');
    await answered.takeNext();
    resolve({ result: 'tool output' });
    await flush();
    transport.notify('serverRequest/resolved', { threadId: 't1', requestId: 's1' });
    connection.releaseTurn('u1', route.sink);
    expect(connection.stats).toEqual(ZERO_STATS);
    expect(route.got.map((m) => m.method)).toEqual(['item/started', 'item/tool/call', 'serverRequest/resolved']);
  });
});
