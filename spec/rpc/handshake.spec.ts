// The handshake: `initialize`, vetted by `checkInitialize`, then `initialized` (lib/rpc/handshake.ts).
// First as the Connection runs it over the in-memory transport (moved from connection.spec.ts),
// then the Handshake class on its own, over a host whose hooks the spec records.
import { firstValueFrom, Subject, throwError } from 'rxjs';
import { CodexError, InvalidRequestError, JsonRpcError, TransportClosedError } from '../../lib/errors.js';
import type { InitializeResponse } from '../../lib/protocol/generated/InitializeResponse.js';
import { Connection } from '../../lib/rpc/connection.js';
import { Handshake, initializeParams, type HandshakeHost } from '../../lib/rpc/handshake.js';
import { FAKE_INITIALIZE_RESPONSE } from '../../lib/transport/in-memory-transport.js';
import type { Transport } from '../../lib/transport/transport.js';
import { ObservableStream } from '../support/observable-stream.js';
import { clientInfo, setup } from './support.js';

describe('Connection: the handshake as it runs it', () => {
  it('does nothing until used', () => {
    const { transport, connection } = setup();
    connection.connect();
    connection.request('model/list', {});
    expect(transport.started).toBe(false);
    expect(transport.sent).toEqual([]);
    expect(connection.state).toBe('idle');
  });

  it('sends initialize with clientInfo and experimentalApi, then the initialized notification', async () => {
    const { transport, connection } = setup();
    const response = await firstValueFrom(connection.connect());
    expect(response).toEqual(FAKE_INITIALIZE_RESPONSE);
    expect(connection.metadata).toEqual(FAKE_INITIALIZE_RESPONSE);
    expect(connection.state).toBe('ready');
    expect(transport.sent).toEqual([
      { id: expect.anything(), method: 'initialize', params: { clientInfo, capabilities: { experimentalApi: true, requestAttestation: false } } },
      { method: 'initialized' },
    ]);
  });

  it('merges capabilities over the defaults', async () => {
    const { transport, connection } = setup({ capabilities: { optOutNotificationMethods: ['item/agentMessage/delta'] } });
    await firstValueFrom(connection.connect());
    expect(transport.sent[0].params).toEqual({
      clientInfo,
      capabilities: { experimentalApi: true, requestAttestation: false, optOutNotificationMethods: ['item/agentMessage/delta'] },
    });
  });

  it('is sent once and shared by concurrent callers; requests wait for it', async () => {
    const { transport, connection } = setup({}, { initializeResponse: null });
    const a = new ObservableStream(connection.connect());
    const b = new ObservableStream(connection.connect());
    const r1 = new ObservableStream(connection.request('model/list', {}));
    const r2 = new ObservableStream(connection.request('account/read', {}));
    expect(connection.state).toBe('connecting');
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize']);
    await a.expectNoEvent();
    await r1.expectNoEvent();

    transport.respond(transport.sent[0].id!, { ...FAKE_INITIALIZE_RESPONSE, userAgent: 'manual' });
    expect(await a.takeNext()).toMatchObject({ userAgent: 'manual' });
    expect(await b.takeNext()).toMatchObject({ userAgent: 'manual' });
    await a.takeComplete();
    await b.takeComplete();
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'model/list', 'account/read']);
    await r1.expectNoEvent();
    await r2.expectNoEvent();

    // A later connect() gets the same answer without a new handshake.
    expect(await firstValueFrom(connection.connect())).toMatchObject({ userAgent: 'manual' });
    expect(transport.sent.filter((m) => m.method === 'initialize')).toHaveLength(1);
    r1.unsubscribe();
    r2.unsubscribe();
  });

  it('a request started the connection by itself', async () => {
    const { transport, connection } = setup();
    transport.onRequest('model/list', () => ({ data: [] }));
    expect(await firstValueFrom(connection.request('model/list', {}))).toEqual({ data: [] });
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'model/list']);
  });

  it('a failed initialize fails the connection and every waiting request with the mapped error', async () => {
    const { transport, connection } = setup({}, { initializeResponse: null });
    const c = new ObservableStream(connection.connect());
    const r = new ObservableStream(connection.request('model/list', {}));
    transport.respondError(transport.sent[0].id!, -32600, 'Invalid request: bad clientInfo');
    const e = await c.takeError();
    expect(InvalidRequestError.is(e)).toBe(true);
    expect((e as JsonRpcError).method).toBe('initialize');
    expect(await r.takeError()).toBe(e);
    expect(connection.state).toBe('closed');
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize']);
  });

  it('a transport that fails on start fails connect and requests with its error, and nothing is sent', async () => {
    const boom = new TransportClosedError('could not start /nope: ENOENT');
    const send = jest.fn();
    const transport: Transport = { messages$: throwError(() => boom), send, close: () => Promise.resolve() };
    const connection = new Connection(transport, { clientInfo });
    await expect(firstValueFrom(connection.connect())).rejects.toBe(boom);
    await expect(firstValueFrom(connection.request('model/list', {}))).rejects.toBe(boom);
    expect(send).not.toHaveBeenCalled();
    expect(connection.state).toBe('closed');
  });

  it('checkInitialize sees the answer; throwing fails the connection, its waiting requests, and closes the transport', async () => {
    const tooOld = new CodexError('app-server 0.1.0 is too old');
    const checkInitialize = jest.fn(() => {
      throw tooOld;
    });
    const { transport, connection } = setup({ checkInitialize }, { initializeResponse: null });
    const c = new ObservableStream(connection.connect());
    const r = new ObservableStream(connection.request('model/list', {}));
    transport.respond(transport.sent[0].id!, { ...FAKE_INITIALIZE_RESPONSE, userAgent: 'codex/0.1.0' });
    expect(checkInitialize).toHaveBeenCalledWith(expect.objectContaining({ userAgent: 'codex/0.1.0' }));
    expect(await c.takeError()).toBe(tooOld);
    expect(await r.takeError()).toBe(tooOld);
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize']);
    expect(transport.closedByClient).toBe(true);
    expect(connection.state).toBe('closed');
    expect(connection.metadata).toBeUndefined();
    await expect(firstValueFrom(connection.connect())).rejects.toBe(tooOld);
  });

  it('checkInitialize that returns lets the handshake finish', async () => {
    const checkInitialize = jest.fn();
    const { transport, connection } = setup({ checkInitialize });
    await firstValueFrom(connection.connect());
    expect(checkInitialize).toHaveBeenCalledTimes(1);
    expect(transport.sent.map((m) => m.method)).toEqual(['initialize', 'initialized']);
  });

  it('notify() refuses before the handshake and sends after it', async () => {
    const { transport, connection } = setup();
    expect(() => connection.notify('x/y')).toThrow(CodexError);
    await firstValueFrom(connection.connect());
    transport.clearSent();
    connection.notify('x/y', { a: 1 });
    connection.notify('x/z');
    expect(transport.sent).toEqual([{ method: 'x/y', params: { a: 1 } }, { method: 'x/z' }]);
  });
});

/** A host whose `initialize` answer the spec gives (`answer.next` / `answer.error`); every hook call is logged in order. */
function recordingHost() {
  const answer = new Subject<unknown>();
  const log: string[] = [];
  const requests: Array<[string, unknown]> = [];
  const failures: Array<[unknown, boolean]> = [];
  const host: HandshakeHost = {
    request: (method, params) => {
      requests.push([method, params]);
      return answer;
    },
    confirm: () => log.push('confirm'),
    opened: (r) => log.push(`opened ${r.userAgent}`),
    announced: () => log.push('announced'),
    failed: (e, rejected) => {
      log.push(`failed ${rejected ? 'rejected' : 'unanswered'}`);
      failures.push([e, rejected]);
    },
  };
  return { host, answer, log, requests, failures };
}

const response = (userAgent: string): InitializeResponse => ({ ...FAKE_INITIALIZE_RESPONSE, userAgent });

describe('initializeParams', () => {
  it('says who we are, with the capabilities codex-rx relies on', () => {
    expect(initializeParams({ clientInfo })).toEqual({ clientInfo, capabilities: { experimentalApi: true, requestAttestation: false } });
  });

  it('lays the caller\'s capabilities over them, an override included', () => {
    expect(initializeParams({ clientInfo, capabilities: { experimentalApi: false, optOutNotificationMethods: ['item/agentMessage/delta'] } })).toEqual({
      clientInfo,
      capabilities: { experimentalApi: false, requestAttestation: false, optOutNotificationMethods: ['item/agentMessage/delta'] },
    });
  });
});

describe('Handshake', () => {
  it('sends initialize; on the answer: confirm, opened, then ready emits and completes, then announced', () => {
    const { host, answer, log, requests } = recordingHost();
    const handshake = new Handshake();
    handshake.ready.subscribe({ next: (r) => log.push(`ready ${r.userAgent}`), complete: () => log.push('ready done') });
    handshake.run(host, { clientInfo });
    expect(requests).toEqual([['initialize', initializeParams({ clientInfo })]]);
    expect(handshake.response).toBeUndefined();
    answer.next(response('one'));
    answer.next(response('two')); // only the first answer counts
    expect(log).toEqual(['confirm', 'opened one', 'ready one', 'ready done', 'announced']);
    expect(handshake.response).toEqual(response('one'));
  });

  it('checkInitialize sees the answer before anything is confirmed; throwing fails it as rejected', () => {
    const { host, answer, log, failures } = recordingHost();
    const tooOld = new CodexError('app-server 0.1.0 is too old');
    const checkInitialize = jest.fn(() => {
      throw tooOld;
    });
    const handshake = new Handshake();
    const ready = new ObservableStream(handshake.ready);
    handshake.run(host, { clientInfo, checkInitialize });
    answer.next(response('codex/0.1.0'));
    expect(checkInitialize).toHaveBeenCalledWith(response('codex/0.1.0'));
    expect(log).toEqual(['failed rejected']);
    expect(failures).toEqual([[tooOld, true]]);
    expect(handshake.response).toBeUndefined();
    // The host decides how the attempt ends: ready waits until it is told.
    expect(ready.peekAll()).toEqual([]);
    handshake.fail(tooOld);
    expect(ready.peekAll()).toEqual([{ type: 'error', error: tooOld }]);
  });

  it('an initialize that fails is a failure that was not answered', () => {
    const { host, answer, log, failures } = recordingHost();
    const refused = new InvalidRequestError(-32600, 'bad clientInfo');
    new Handshake().run(host, { clientInfo });
    answer.error(refused);
    expect(log).toEqual(['failed unanswered']);
    expect(failures).toEqual([[refused, false]]);
  });

  it('fail() errors everyone waiting, once; after the handshake passed it does nothing', () => {
    const waiting = new Handshake();
    const first = new ObservableStream(waiting.ready);
    const boom = new TransportClosedError('died early');
    waiting.fail(boom);
    waiting.fail(new TransportClosedError('again'));
    expect(first.peekAll()).toEqual([{ type: 'error', error: boom }]);
    expect(new ObservableStream(waiting.ready).peekAll()).toEqual([{ type: 'error', error: boom }]); // later callers hear the same

    const { host, answer } = recordingHost();
    const passed = new Handshake();
    passed.run(host, { clientInfo });
    answer.next(response('ok'));
    passed.fail(boom);
    expect(new ObservableStream(passed.ready).peekAll()).toEqual([{ type: 'next', value: response('ok') }, { type: 'complete' }]);
  });

  it('a request that errors at once fails the handshake at once', () => {
    const { host, log } = recordingHost();
    const boom = new TransportClosedError('could not start');
    new Handshake().run({ ...host, request: () => throwError(() => boom) }, { clientInfo });
    expect(log).toEqual(['failed unanswered']);
  });
});
