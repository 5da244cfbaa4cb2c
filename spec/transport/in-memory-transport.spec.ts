import { firstValueFrom } from 'rxjs';
import { CodexError, ProtocolError, TransportClosedError } from '../../lib/errors.js';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport, type SentMessage } from '../../lib/transport/in-memory-transport.js';
import { MalformedLine } from '../../lib/transport/transport.js';
import { ObservableStream } from '../support/observable-stream.js';
import { thrown } from '../support/thrown.js';

/** A transport the "client" (this spec) has subscribed to, with what it received so far. */
function connected(options?: ConstructorParameters<typeof InMemoryTransport>[0]) {
  const transport = new InMemoryTransport(options);
  const inbound = new ObservableStream(transport.messages$);
  return { transport, inbound };
}

describe('InMemoryTransport', () => {
  describe('the inbound stream', () => {
    it('starts on subscription (the fake "process" starts); before that nothing can be delivered', () => {
      const transport = new InMemoryTransport();
      expect(transport.started).toBe(false);
      const error = thrown(() => transport.notify('x'));
      expect(CodexError.is(error)).toBe(true);
      expect(error.message).toContain('has not connected yet');
      const sub = transport.messages$.subscribe();
      expect(transport.started).toBe(true);
      sub.unsubscribe();
    });

    it('supports one subscription: a second one errors with CodexError', async () => {
      const { transport } = connected();
      const error = await firstValueFrom(transport.messages$).catch((e: unknown) => e);
      expect(CodexError.is(error)).toBe(true);
      expect((error as Error).message).toContain('supports one subscription');
    });

    it('after the client unsubscribes, the connection has ended: nothing more can be delivered, and it cannot be subscribed again', async () => {
      const transport = new InMemoryTransport();
      transport.messages$.subscribe().unsubscribe();
      expect(thrown(() => transport.notify('x')).message).toContain('the connection has ended');
      const error = await firstValueFrom(transport.messages$).catch((e: unknown) => e);
      expect(CodexError.is(error)).toBe(true);
    });
  });

  describe('delivering to the client', () => {
    it('emit() delivers any message synchronously, as given', () => {
      const { transport, inbound } = connected();
      const message = { method: 'thread/started', params: { thread: { id: 't' } } };
      transport.emit(message);
      expect(inbound.peekAll()).toEqual([{ type: 'next', value: message }]);
    });

    it('notify() delivers { method } or { method, params }', () => {
      const { transport, inbound } = connected();
      transport.notify('initialized');
      transport.notify('warning', { message: 'w' });
      expect(inbound.peekAll().map((e) => (e.type === 'next' ? e.value : e))).toEqual([{ method: 'initialized' }, { method: 'warning', params: { message: 'w' } }]);
    });

    it('respond() and respondError() answer a request id (data only when given)', () => {
      const { transport, inbound } = connected();
      transport.respond(1, { ok: true });
      transport.respondError('a', -32601, 'no such method');
      transport.respondError(2, -32001, 'busy', { retryAfterMs: 5 });
      expect(inbound.peekAll().map((e) => (e.type === 'next' ? e.value : e))).toEqual([
        { id: 1, result: { ok: true } },
        { id: 'a', error: { code: -32601, message: 'no such method' } },
        { id: 2, error: { code: -32001, message: 'busy', data: { retryAfterMs: 5 } } },
      ]);
    });
  });

  describe('write(): raw bytes through JSONL framing', () => {
    it('joins lines split across writes (inside a UTF-8 character too), text or bytes; a bad line is a MalformedLine', async () => {
      const { transport, inbound } = connected();
      const bytes = new TextEncoder().encode('{"method":"a","params":"é😀"}\r\n\nnot json\n{"id":1,');
      const cut = bytes.indexOf(0xf0) + 2;
      transport.write(bytes.subarray(0, cut));
      expect(inbound.peekAll()).toEqual([]);
      transport.write(bytes.subarray(cut));
      transport.write('"result":{}}\n');
      expect(await inbound.takeNext()).toEqual({ method: 'a', params: 'é😀' });
      const bad = await inbound.takeNext();
      expect(bad).toBeInstanceOf(MalformedLine);
      expect((bad as MalformedLine).text).toBe('not json');
      expect(await inbound.takeNext()).toEqual({ id: 1, result: {} });
    });

    it('a line over maxLineBytes fails the connection with ProtocolError', async () => {
      const { transport, inbound } = connected({ maxLineBytes: 16 });
      transport.write('{"method":"x"}\n');
      transport.write('{"method":"much too long"}\n');
      expect(await inbound.takeNext()).toEqual({ method: 'x' });
      expect(ProtocolError.is(await inbound.takeError())).toBe(true);
      expect(() => transport.send({ method: 'y' })).toThrow(TransportClosedError);
    });

    it('end() delivers a last line without newline, then completes', async () => {
      const { transport, inbound } = connected();
      transport.write('{"method":"last"}');
      expect(inbound.peekAll()).toEqual([]);
      transport.end();
      expect(await inbound.takeNext()).toEqual({ method: 'last' });
      await inbound.takeComplete();
      expect(() => transport.send({ method: 'y' })).toThrow(TransportClosedError);
    });
  });

  describe('what the client sends', () => {
    it('records every message in order, on `sent` and on the hot `sent$`; clearSent() forgets the record', () => {
      const { transport } = connected({ initializeResponse: null });
      const live: SentMessage[] = [];
      transport.sent$.subscribe((m) => live.push(m));
      transport.send({ id: 1, method: 'model/list', params: {} });
      transport.send({ method: 'initialized' });
      transport.send({ id: 7, result: { decision: 'decline' } });
      const expected = [{ id: 1, method: 'model/list', params: {} }, { method: 'initialized' }, { id: 7, result: { decision: 'decline' } }];
      expect(transport.sent).toEqual(expected);
      expect(live).toEqual(expected);
      transport.clearSent();
      expect(transport.sent).toEqual([]);
      transport.send({ method: 'x' });
      expect(transport.sent).toEqual([{ method: 'x' }]);
    });

    it('recordSent: false keeps no record, but sent$ still shows every message', () => {
      const { transport } = connected({ recordSent: false });
      const live: SentMessage[] = [];
      transport.sent$.subscribe((m) => live.push(m));
      transport.send({ method: 'x' });
      expect(transport.sent).toEqual([]);
      expect(live).toEqual([{ method: 'x' }]);
    });

    it('sent$ is hot: a late subscriber sees only what is sent after it subscribed', () => {
      const { transport } = connected();
      transport.send({ method: 'early' });
      const late: SentMessage[] = [];
      transport.sent$.subscribe((m) => late.push(m));
      transport.send({ method: 'late' });
      expect(late).toEqual([{ method: 'late' }]);
    });
  });

  describe('onRequest(): answering requests', () => {
    it('answers initialize by default with FAKE_INITIALIZE_RESPONSE, or with the initializeResponse given', () => {
      const a = connected();
      a.transport.send({ id: 1, method: 'initialize', params: {} });
      expect(a.inbound.peekAll()).toEqual([{ type: 'next', value: { id: 1, result: FAKE_INITIALIZE_RESPONSE } }]);
      expect(Object.isFrozen(FAKE_INITIALIZE_RESPONSE)).toBe(true);
      const custom = { userAgent: 'other' };
      const b = connected({ initializeResponse: custom });
      b.transport.send({ id: 'i', method: 'initialize', params: {} });
      expect(b.inbound.peekAll()).toEqual([{ type: 'next', value: { id: 'i', result: custom } }]);
    });

    it('initializeResponse: null leaves initialize unanswered (to answer by hand)', () => {
      const { transport, inbound } = connected({ initializeResponse: null });
      transport.send({ id: 1, method: 'initialize', params: {} });
      expect(inbound.peekAll()).toEqual([]);
      expect(transport.sent).toEqual([{ id: 1, method: 'initialize', params: {} }]);
    });

    it('calls the handler with the params and the whole message, and answers synchronously with its return value', () => {
      const { transport, inbound } = connected();
      const calls: unknown[][] = [];
      const returned = transport.onRequest('echo', (params, message) => {
        calls.push([params, message]);
        return { echoed: params };
      });
      expect(returned).toBe(transport);
      transport.send({ id: 5, method: 'echo', params: { a: 1 } });
      expect(calls).toEqual([[{ a: 1 }, { id: 5, method: 'echo', params: { a: 1 } }]]);
      expect(inbound.peekAll()).toEqual([{ type: 'next', value: { id: 5, result: { echoed: { a: 1 } } } }]);
    });

    it('a later handler for the same method replaces the earlier one', () => {
      const { transport, inbound } = connected();
      transport.onRequest('initialize', () => ({ userAgent: 'replaced' }));
      transport.send({ id: 1, method: 'initialize', params: {} });
      expect(inbound.peekAll()).toEqual([{ type: 'next', value: { id: 1, result: { userAgent: 'replaced' } } }]);
    });

    it('answers only requests: a notification of the same method, a response, or a method with no handler get no answer', () => {
      const { transport, inbound } = connected();
      let calls = 0;
      transport.onRequest('ping', () => ++calls);
      transport.send({ method: 'ping' });
      transport.send({ id: 1, result: {} });
      transport.send({ id: 2, method: 'unknown', params: {} });
      expect(calls).toBe(0);
      expect(inbound.peekAll()).toEqual([]);
      expect(transport.sent).toHaveLength(3);
    });

    it('a thrown { code, message, data } becomes a JSON-RPC error answer', () => {
      const { transport, inbound } = connected();
      transport.onRequest('busy', () => {
        throw { code: -32001, message: 'Server overloaded; retry later', data: { n: 1 } };
      });
      transport.send({ id: 3, method: 'busy', params: {} });
      expect(inbound.peekAll()).toEqual([{ type: 'next', value: { id: 3, error: { code: -32001, message: 'Server overloaded; retry later', data: { n: 1 } } } }]);
    });

    it('anything else thrown is an internal error (-32603) carrying its message', () => {
      const { transport, inbound } = connected();
      transport.onRequest('broken', () => {
        throw new Error('handler bug');
      });
      transport.onRequest('odd', () => {
        throw 'just a string';
      });
      transport.onRequest('badCode', () => {
        throw { code: 'E1', message: 'not a number' };
      });
      transport.send({ id: 1, method: 'broken', params: {} });
      transport.send({ id: 2, method: 'odd', params: {} });
      transport.send({ id: 3, method: 'badCode', params: {} });
      expect(inbound.peekAll().map((e) => (e.type === 'next' ? e.value : e))).toEqual([
        { id: 1, error: { code: -32603, message: 'handler bug' } },
        { id: 2, error: { code: -32603, message: 'just a string' } },
        { id: 3, error: { code: -32603, message: 'not a number' } },
      ]);
    });
  });

  describe('the fake "process" dying or ending', () => {
    it('fail() errors the inbound stream with TransportClosedError (exit code 1) by default; then send throws', async () => {
      const { transport, inbound } = connected();
      transport.fail();
      const error = (await inbound.takeError()) as TransportClosedError;
      expect(TransportClosedError.is(error)).toBe(true);
      expect(error.exitCode).toBe(1);
      expect(error.message).toContain('in-memory app-server died');
      const sendError = thrown(() => transport.send({ method: 'x' }));
      expect(TransportClosedError.is(sendError)).toBe(true);
      expect(thrown(() => transport.notify('late')).message).toContain('the connection has ended');
      expect(transport.closedByClient).toBe(false);
    });

    it('fail(error) errors it with the error given', async () => {
      const { transport, inbound } = connected();
      const boom = new ProtocolError('garbage');
      transport.fail(boom);
      expect(await inbound.takeError()).toBe(boom);
    });

    it('end() completes the inbound stream (a clean exit)', async () => {
      const { transport, inbound } = connected();
      transport.notify('bye');
      transport.end();
      expect(await inbound.takeNext()).toEqual({ method: 'bye' });
      await inbound.takeComplete();
      expect(transport.closedByClient).toBe(false);
    });
  });

  describe('close() by the client', () => {
    it('completes the inbound stream and sent$, says closedByClient, and then send throws TransportClosedError', async () => {
      const { transport, inbound } = connected();
      let sentCompleted = false;
      transport.sent$.subscribe({ complete: () => (sentCompleted = true) });
      expect(transport.closedByClient).toBe(false);
      await expect(transport.close()).resolves.toBeUndefined();
      await inbound.takeComplete();
      expect(sentCompleted).toBe(true);
      expect(transport.closedByClient).toBe(true);
      const error = thrown(() => transport.send({ method: 'x' }));
      expect(TransportClosedError.is(error)).toBe(true);
      expect(error.message).toContain('not running');
    });

    it('is idempotent, and leaves an already failed stream as it was', async () => {
      const { transport, inbound } = connected();
      transport.fail();
      await transport.close();
      await transport.close();
      expect(TransportClosedError.is(await inbound.takeError())).toBe(true);
      await inbound.expectNoEvent();
      expect(transport.closedByClient).toBe(true);
    });

    it('before any subscription: send throws at once, and a later subscription is refused (as the real transports do)', async () => {
      const transport = new InMemoryTransport();
      await transport.close();
      expect(() => transport.send({ method: 'x' })).toThrow(TransportClosedError);
      const inbound = new ObservableStream(transport.messages$);
      expect(CodexError.is(await inbound.takeError())).toBe(true);
      expect(transport.started).toBe(false);
      expect(thrown(() => transport.notify('x')).message).toContain('has not connected yet');
    });
  });

  describe('keepAlive', () => {
    it('remembers what the client last said (true until told otherwise)', () => {
      const transport = new InMemoryTransport();
      expect(transport.keepingAlive).toBe(true);
      transport.keepAlive(false);
      expect(transport.keepingAlive).toBe(false);
      transport.keepAlive(true);
      expect(transport.keepingAlive).toBe(true);
    });
  });
});
