import { firstValueFrom, lastValueFrom } from 'rxjs';
import { ApprovalRouter } from '../../lib/approvals/approval-router.js';
import { Thread } from '../../lib/thread.js';
import { TransportClosedError } from '../../lib/errors.js';
import { Connection } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { ObservableStream } from '../support/observable-stream.js';
import { clientInfo } from './support.js';


/** A connection whose every attempt gets a new fake (the list grows per attempt); `down` makes the next attempts fail. */
function reconnecting(options: { initialDelayMs?: number } = {}) {
  const transports: InMemoryTransport[] = [];
  const state = { down: false };
  const make = () => {
    const t = new InMemoryTransport();
    if (state.down) t.onRequest('initialize', () => {
      throw { code: -32603, message: 'server is down' };
    });
    t.onRequest('model/list', () => ({ data: [], nextCursor: null }));
    transports.push(t);
    return t;
  };
  const connection = new Connection(make(), { clientInfo, reconnect: { newTransport: make, initialDelayMs: options.initialDelayMs ?? 40, random: () => 0.5 } });
  return { connection, transports, state };
}

describe('Connection with reconnect', () => {
  it('a drop errors everything in flight; the next call opens a new transport with a new handshake', async () => {
    const { connection, transports } = reconnecting();
    await lastValueFrom(connection.connect());
    expect(connection.generation).toBe(1);
    const inFlight = new ObservableStream(connection.request('thread/read', { threadId: 't', includeTurns: false }));
    const notifications = new ObservableStream(connection.notifications$);
    transports[0].fail(new TransportClosedError('dropped', { closeCode: 1006 }));
    expect(TransportClosedError.is(await inFlight.takeError())).toBe(true);
    expect(TransportClosedError.is(await notifications.takeError())).toBe(true);
    expect(connection.state).toBe('closed');

    expect(await lastValueFrom(connection.request('model/list', {}))).toEqual({ data: [], nextCursor: null });
    expect(transports).toHaveLength(2);
    expect(connection.generation).toBe(2);
    expect(transports[1].sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'model/list']);
    // notifications$ works again on the new connection
    const again = new ObservableStream(connection.notifications$);
    transports[1].notify('thread/started', { thread: { id: 'x' } });
    expect(await again.takeNext()).toMatchObject({ method: 'thread/started' });
    await connection.close();
  });

  it('a failed attempt errors that call only; the next attempt waits its backoff, then works', async () => {
    const { connection, transports, state } = reconnecting({ initialDelayMs: 200 });
    await lastValueFrom(connection.connect());
    transports[0].fail();
    state.down = true;
    await expect(lastValueFrom(connection.request('model/list', {}))).rejects.toMatchObject({ code: -32603 });
    expect(transports).toHaveLength(2);
    state.down = false;
    const started = Date.now();
    const answer = lastValueFrom(connection.request('model/list', {}));
    expect(transports).toHaveLength(3); // a fresh transport at once …
    expect(transports[2].started).toBe(false); // … started only after the backoff
    expect(await answer).toEqual({ data: [], nextCursor: null });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    await connection.close();
  });

  it('close() is final: no reconnect afterwards, warnings$ completes', async () => {
    const { connection, transports } = reconnecting();
    const warnings = new ObservableStream(connection.warnings$);
    await lastValueFrom(connection.connect());
    transports[0].fail();
    await connection.close();
    await warnings.takeComplete();
    await expect(lastValueFrom(connection.request('model/list', {}))).rejects.toBeInstanceOf(TransportClosedError);
    expect(transports).toHaveLength(1);
  });

  it('without reconnect a dropped connection stays closed (the default)', async () => {
    const transport = new InMemoryTransport();
    const connection = new Connection(transport, { clientInfo });
    await lastValueFrom(connection.connect());
    transport.fail();
    await expect(lastValueFrom(connection.request('model/list', {}))).rejects.toBeInstanceOf(TransportClosedError);
    expect(connection.generation).toBe(1);
  });
});

describe('Thread after a reconnect', () => {
  it('resumes its thread on the new connection before its next turn', async () => {
    const transports: InMemoryTransport[] = [];
    const thread = { id: 'thr-1', preview: '', ephemeral: false, modelProvider: 'mock', createdAt: 0, updatedAt: 0, status: { type: 'idle' }, path: null, cwd: '/', cliVersion: '0', source: 'appServer', gitInfo: null, name: null, turns: [] };
    const make = () => {
      const t = new InMemoryTransport();
      t.onRequest('thread/start', () => ({ thread, model: 'm', modelProvider: 'mock', cwd: '/', approvalPolicy: 'never', sandbox: { type: 'readOnly' }, reasoningEffort: null }));
      t.onRequest('thread/resume', () => ({ thread, model: 'm', modelProvider: 'mock', cwd: '/', approvalPolicy: 'never', sandbox: { type: 'readOnly' }, reasoningEffort: null }));
      t.onRequest('thread/read', () => ({ thread }));
      transports.push(t);
      return t;
    };
    const connection = new Connection(make(), { clientInfo, reconnect: { newTransport: make } });
    // Built as Codex builds it; the connection is what matters here.
    const t = new Thread(connection, new ApprovalRouter(undefined, undefined), thread as never);
    await lastValueFrom(connection.connect());
    await firstValueFrom(t.read());
    expect(transports[0].sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/read']);
    transports[0].fail();
    await firstValueFrom(t.read());
    expect(transports[1].sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/resume', 'thread/read']);
    expect(transports[1].sent[2].params).toEqual({ threadId: 'thr-1' });
    // once resumed, no second resume
    await firstValueFrom(t.read());
    expect(transports[1].sent.map((m) => m.method).filter((m) => m === 'thread/resume')).toHaveLength(1);
    await connection.close();
  });
});
