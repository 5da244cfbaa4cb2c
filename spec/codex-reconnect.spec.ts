/**
 * `new Codex({ url, token, reconnect: true })` against a scripted WebSocket peer: a dropped
 * connection with live subscribers reopens on its own with a fresh token from the token function;
 * a refusal (close 4401/4403) is AuthenticationError and is never retried.
 */
import type { WebSocket } from 'ws';
import { filter, firstValueFrom } from 'rxjs';
import { Codex } from '../lib/node/index.js';
import { AuthenticationError } from '../lib/errors.js';
import type { CodexState } from '../lib/rpc/link-state.js';
import { CloseCode } from '../lib/transport/close-codes.js';
import { FAKE_INITIALIZE_RESPONSE } from '../lib/transport/in-memory-transport.js';
import { ObservableStream } from './support/observable-stream.js';
import { startScriptedWsServer, type ScriptedWsServer } from './transport/scripted-ws-server.js';

/** Answers `initialize` on every connection, as an app-server does. */
function answerInitialize(socket: WebSocket): void {
  socket.on('message', (data) => {
    const m = JSON.parse(String(data)) as { id?: number; method?: string };
    if (m.method === 'initialize') socket.send(JSON.stringify({ id: m.id, result: FAKE_INITIALIZE_RESPONSE }));
  });
}

describe('Codex with reconnect: true (over a WebSocket)', () => {
  let server: ScriptedWsServer;
  let codex: Codex | undefined;
  beforeEach(async () => {
    server = await startScriptedWsServer();
  });
  afterEach(async () => {
    await codex?.close();
    await server.close();
  });

  it('reopens on its own after a drop, asking the token function again; state$ shows reconnecting, then open', async () => {
    let issued = 0;
    codex = new Codex({ url: server.url, token: async () => `token-${++issued}-abcdefgh`, reconnect: { initialDelayMs: 1, maxDelayMs: 1 } });
    const states: CodexState[] = [];
    codex.state$.subscribe((s) => states.push(s));
    const notifications = new ObservableStream(codex.notifications$);
    void firstValueFrom(codex.connect());
    const first = await server.nextConnection();
    expect(first.request.headers.authorization).toBe('Bearer token-1-abcdefgh');
    answerInitialize(first.socket);
    await firstValueFrom(codex.state$.pipe(filter((s) => s === 'open')));

    first.socket.close(CloseCode.GOING_AWAY, 'restarting');
    const second = await server.nextConnection(); // no call made: the live subscriber reconnects
    expect(second.request.headers.authorization).toBe('Bearer token-2-abcdefgh');
    answerInitialize(second.socket);
    await firstValueFrom(codex.state$.pipe(filter((s) => s === 'open')));
    expect(states).toEqual(['idle', 'connecting', 'open', 'reconnecting', 'open']);

    second.socket.send(JSON.stringify({ method: 'thread/started', params: { thread: { id: 'x' } } }));
    expect(await notifications.takeNext()).toMatchObject({ method: 'thread/started' });
    notifications.unsubscribe();
  });

  it.each([
    ['4401', CloseCode.UNAUTHORIZED],
    ['4403', CloseCode.FORBIDDEN],
  ])('close %s: AuthenticationError for live subscribers, state closed, never retried on its own', async (_name, code) => {
    codex = new Codex({ url: server.url, token: 'token-abcdefgh', reconnect: { initialDelayMs: 1, maxDelayMs: 1 } });
    const notifications = new ObservableStream(codex.notifications$);
    void firstValueFrom(codex.connect()).catch(() => undefined);
    const { socket } = await server.nextConnection();
    socket.close(code, 'signed out');
    const error = await notifications.takeError();
    expect(AuthenticationError.is(error)).toBe(true);
    expect((error as AuthenticationError).closeCode).toBe(code);
    expect((error as Error).message).not.toContain('token-abcdefgh');
    expect(await firstValueFrom(codex.state$)).toBe('closed');
    await new Promise((resolve) => setTimeout(resolve, 50)); // a retry would have connected by now
    expect(server.wss.clients.size).toBe(0);
  });
});
