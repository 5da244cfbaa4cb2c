/**
 * Live streams across reconnects, and the connection state a UI shows (`state$`). Each connection
 * attempt gets a new in-memory app-server; `fail()` drops the current one. No call is made after
 * a drop: whatever reconnects, reconnects on its own.
 */
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { ApprovalRouter } from '../../lib/approvals/approval-router.js';
import { AuthenticationError, TransportClosedError } from '../../lib/errors.js';
import { Connection } from '../../lib/rpc/connection.js';
import type { CodexState } from '../../lib/rpc/link-state.js';
import { Thread } from '../../lib/thread.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import * as kit from '../../lib/testing/payloads/index.js';
import { ObservableStream } from '../support/observable-stream.js';
import { clientInfo } from './support.js';

const THREAD = 'thr-1';
const TURN = 'turn-1';
const ref = { threadId: THREAD, turnId: TURN };

/** A connection whose every attempt gets a new fake; `setup` installs each fake's answers. */
function reconnecting(setup: (t: InMemoryTransport, attempt: number) => void = () => undefined) {
  const transports: InMemoryTransport[] = [];
  const make = () => {
    const t = new InMemoryTransport();
    setup(t, transports.length);
    transports.push(t);
    return t;
  };
  const connection = new Connection(make(), { clientInfo, reconnect: { newTransport: make, initialDelayMs: 1, maxDelayMs: 1, random: () => 0.5 } });
  const states: CodexState[] = [];
  connection.state$.subscribe((s) => states.push(s));
  return { connection, transports, states };
}

/** Resolves once connection attempt `generation` has opened. */
async function opened(connection: Connection, generation: number): Promise<void> {
  await firstValueFrom(connection.state$.pipe(filter((s) => s === 'open' && connection.generation === generation)));
}

describe('state$', () => {
  it('idle → connecting → open; a drop with a live subscriber: reconnecting → open on its own; close(): closed', async () => {
    const { connection, transports, states } = reconnecting();
    expect(states).toEqual(['idle']);
    const live = new ObservableStream(connection.live(() => connection.notifications$));
    await lastValueFrom(connection.connect());
    expect(states).toEqual(['idle', 'connecting', 'open']);
    transports[0].fail(new TransportClosedError('dropped', { closeCode: 1006 }));
    expect(states.at(-1)).toBe('reconnecting');
    await opened(connection, 2);
    expect(transports).toHaveLength(2);
    expect(transports[1].sent.map((m) => m.method)).toEqual(['initialize', 'initialized']);
    expect(states.slice(3)).toEqual(['reconnecting', 'open']);
    // The live subscriber stayed subscribed and hears the new connection.
    transports[1].notify('thread/started', { thread: { id: 'x' } });
    expect(await live.takeNext()).toMatchObject({ method: 'thread/started' });
    await connection.close();
    expect(states.at(-1)).toBe('closed');
    // A late subscriber gets the current value at once.
    expect(await firstValueFrom(connection.state$)).toBe('closed');
  });

  it('a drop with nothing live: idle, and nothing reopens until the next call', async () => {
    const { connection, transports, states } = reconnecting((t) => t.onRequest('model/list', () => ({ data: [], nextCursor: null })));
    await lastValueFrom(connection.connect());
    transports[0].fail();
    expect(states.at(-1)).toBe('idle');
    await Promise.resolve();
    expect(transports).toHaveLength(1);
    await lastValueFrom(connection.request('model/list', {}));
    expect(transports).toHaveLength(2);
    expect(states.at(-1)).toBe('open');
    await connection.close();
  });

  it('a refusal (AuthenticationError, close 4401) is never retried: the live subscriber errors, state closed', async () => {
    const { connection, transports, states } = reconnecting();
    const live = new ObservableStream(connection.live(() => connection.notifications$));
    await lastValueFrom(connection.connect());
    transports[0].fail(new AuthenticationError('wss://gw closed the connection: no valid token (4401)', { closeCode: 4401, closeReason: 'bad token' }));
    expect(AuthenticationError.is(await live.takeError())).toBe(true);
    expect(states.at(-1)).toBe('closed');
    await Promise.resolve();
    expect(transports).toHaveLength(1);
    await connection.close();
  });

  it('failed attempts are retried (with backoff) until one opens; the live subscriber never sees them', async () => {
    const { connection, transports, states } = reconnecting((t, attempt) => {
      // Attempts 1 and 2 drop during their handshake (the server is still restarting).
      if (attempt === 1 || attempt === 2) t.sent$.pipe(filter((m) => m.method === 'initialize')).subscribe(() => t.fail(new TransportClosedError('refused', { closeCode: 1006 })));
    });
    const live = new ObservableStream(connection.live(() => connection.notifications$));
    await lastValueFrom(connection.connect());
    transports[0].fail();
    await opened(connection, 4);
    expect(transports).toHaveLength(4);
    expect(states.slice(3)).toEqual(['reconnecting', 'open']);
    expect(states).not.toContain('closed');
    transports[3].notify('thread/started', { thread: { id: 'x' } });
    expect(await live.takeNext()).toMatchObject({ method: 'thread/started' });
    await connection.close();
  });
});

describe('Thread live state and attached turns across a reconnect', () => {
  const threadInfo = (turns: ReturnType<typeof kit.turnInfo>[] = []) => kit.threadInfo({ id: THREAD, turns });

  it('thread.status$ resumes the thread and reads again on the new connection, with no call from the user', async () => {
    const { connection, transports } = reconnecting((t) => {
      t.onRequest('thread/resume', () => kit.threadResumeResponse(threadInfo()));
      t.onRequest('thread/read', () => kit.threadReadResponse(threadInfo()));
    });
    const thread = new Thread(connection, new ApprovalRouter(undefined, undefined), threadInfo());
    const status = new ObservableStream(thread.status$);
    expect(await status.takeNext()).toEqual({ type: 'idle' });
    transports[0].fail();
    expect(await status.takeNext()).toEqual({ type: 'idle' }); // read again on the new connection
    expect(transports[1].sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/resume', 'thread/read']);
    transports[1].notify('thread/status/changed', { threadId: THREAD, status: { type: 'active', activeFlags: [] } });
    expect(await status.takeNext()).toEqual({ type: 'active', activeFlags: [] });
    status.unsubscribe();
    await connection.close();
  });

  it('an attached turn is re-attached: finished items once, the replayed running item without doubled text, then live', async () => {
    const user = kit.userMessageItem('user-1', 'Write a poem');
    const answer = kit.agentMessageItem('msg-1', 'Hello world', 'final_answer');
    const running = (items: typeof user[]) => kit.turnInfo({ id: TURN, status: 'inProgress', items });
    const { connection, transports } = reconnecting((t, attempt) => {
      t.onRequest('thread/read', () => kit.threadReadResponse(threadInfo([running([user])])));
      // After the drop, a gateway answers the resume, then replays the running item from its start.
      if (attempt === 1) {
        t.sent$.pipe(filter((m) => m.method === 'thread/resume')).subscribe((m) => {
          t.respond(m.id!, kit.threadResumeResponse(threadInfo([running([user])])));
          t.emit(kit.itemStarted(kit.agentMessageItem('msg-1', ''), ref));
          t.emit(kit.agentMessageDelta('msg-1', 'Hello wo', ref));
        });
      }
    });
    const thread = new Thread(connection, new ApprovalRouter(undefined, undefined), threadInfo());
    const events = new ObservableStream(thread.attach(TURN));
    const first = await events.takeNext();
    expect(first).toMatchObject({ method: 'turn/started' });
    expect(await events.takeNext()).toMatchObject({ method: 'item/completed', params: { item: user } });
    transports[0].emit(kit.itemStarted(kit.agentMessageItem('msg-1', ''), ref));
    transports[0].emit(kit.agentMessageDelta('msg-1', 'Hello', ref));
    expect(await events.takeNext()).toMatchObject({ method: 'item/started' });
    expect(await events.takeNext()).toMatchObject({ params: { delta: 'Hello' } });
    transports[0].fail();
    // Re-attached on the new connection: only the text not seen yet.
    expect(await events.takeNext()).toMatchObject({ method: 'item/agentMessage/delta', params: { delta: ' wo' } });
    transports[1].emit(kit.agentMessageDelta('msg-1', 'rld', ref));
    transports[1].emit(kit.itemCompleted(answer, ref));
    transports[1].emit(kit.turnCompleted(ref, 'completed', null));
    expect(await events.takeNext()).toMatchObject({ params: { delta: 'rld' } });
    expect(await events.takeNext()).toMatchObject({ method: 'item/completed', params: { item: answer } });
    expect(await events.takeNext()).toMatchObject({ method: 'turn/completed' });
    await events.takeComplete();
    expect(transports[1].sent.map((m) => m.method)).toEqual(['initialize', 'initialized', 'thread/resume']);
    expect(transports.flatMap((t) => t.sent.map((m) => m.method))).not.toContain('turn/interrupt');
    await connection.close();
  });
});

