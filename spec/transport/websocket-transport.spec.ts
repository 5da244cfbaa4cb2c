import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { Codex } from '../../lib/node/index.js';
import { AuthenticationError, ProtocolError, TransportClosedError, ValidationError } from '../../lib/errors.js';
import { CloseCode } from '../../lib/transport/close-codes.js';
import { MalformedLine } from '../../lib/transport/transport.js';
import type { WebSocketTransportOptions } from '../../lib/transport/websocket-transport.js';
import { WebSocketTransport } from '../../lib/node/index.js'; // Node's: ws, the Authorization header
import type { WebSocketConstructor } from '../../lib/transport/websocket-like.js';
import { ObservableStream } from '../support/observable-stream.js';
import { startScriptedWsServer, type ScriptedWsServer } from './scripted-ws-server.js';

const TOKEN = 'tok-0123456789-secret';

describe('WebSocketTransport (against a scripted ws server)', () => {
  let server: ScriptedWsServer;
  const transports: WebSocketTransport[] = [];
  beforeEach(async () => {
    server = await startScriptedWsServer();
  });
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()));
    await server.close();
  });

  function open(options: Partial<WebSocketTransportOptions> = {}) {
    const transport = new WebSocketTransport({ url: server.url, ...options });
    transports.push(transport);
    const inbound = new ObservableStream(transport.messages$);
    return { transport, inbound };
  }

  it('sends one JSON message per text frame, in order, queueing what is sent before the socket opens', async () => {
    const { transport } = open();
    transport.send({ id: 1, method: 'initialize' });
    transport.send({ method: 'initialized' });
    const { socket } = await server.nextConnection();
    transport.send({ id: 2, method: 'model/list', params: {} });
    await eventually(() => expect(server.received(socket)).toEqual([{ id: 1, method: 'initialize' }, { method: 'initialized' }, { id: 2, method: 'model/list', params: {} }]));
  });

  it('delivers each inbound text frame as one parsed message', async () => {
    const { inbound } = open();
    const { socket } = await server.nextConnection();
    socket.send(JSON.stringify({ id: 1, result: { ok: true } }));
    socket.send(JSON.stringify({ method: 'thread/started', params: { thread: { id: 't' } } }));
    expect(await inbound.takeNext()).toEqual({ id: 1, result: { ok: true } });
    expect(await inbound.takeNext()).toEqual({ method: 'thread/started', params: { thread: { id: 't' } } });
  });

  it('a non-JSON frame and a binary frame become MalformedLine values (the connection warns), and the stream goes on', async () => {
    const { inbound } = open();
    const { socket } = await server.nextConnection();
    socket.send('this is not json');
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    socket.send(JSON.stringify({ method: 'after' }));
    const bad = (await inbound.takeNext()) as MalformedLine;
    expect(bad).toBeInstanceOf(MalformedLine);
    expect(bad.text).toBe('this is not json');
    const binary = (await inbound.takeNext()) as MalformedLine;
    expect(binary).toBeInstanceOf(MalformedLine);
    expect(binary.reason).toMatch(/binary frame of 3 bytes/);
    expect(await inbound.takeNext()).toEqual({ method: 'after' });
  });

  it('a frame over maxMessageBytes fails the stream with ProtocolError', async () => {
    const { inbound } = open({ maxMessageBytes: 1024 });
    const { socket } = await server.nextConnection();
    socket.send(JSON.stringify({ method: 'big', params: { text: 'x'.repeat(4096) } }));
    const error = await inbound.takeError();
    expect(ProtocolError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/larger than 1024 bytes/);
  });

  it('an abrupt close (no close frame) fails the stream with TransportClosedError, code 1006', async () => {
    const { inbound } = open();
    const { socket } = await server.nextConnection();
    socket.terminate();
    const error = (await inbound.takeError()) as TransportClosedError;
    expect(TransportClosedError.is(error)).toBe(true);
    expect(error.closeCode).toBe(1006);
  });

  it('a close code and reason from the server reach the error; 4401/4403 are AuthenticationError', async () => {
    const first = open();
    (await server.nextConnection()).socket.close(CloseCode.UPSTREAM_FAILED, 'app-server exited');
    const upstream = (await first.inbound.takeError()) as TransportClosedError;
    expect(TransportClosedError.is(upstream) && !AuthenticationError.is(upstream)).toBe(true);
    expect([upstream.closeCode, upstream.closeReason]).toEqual([4502, 'app-server exited']);
    expect(upstream.message).toContain('app-server behind the gateway failed');

    const second = open();
    (await server.nextConnection()).socket.close(CloseCode.FORBIDDEN, 'origin');
    const forbidden = (await second.inbound.takeError()) as AuthenticationError;
    expect(AuthenticationError.is(forbidden)).toBe(true);
    expect(forbidden.closeCode).toBe(4403);
  });

  it('a server that stops answering pings is noticed: TransportClosedError within two intervals', async () => {
    await server.close();
    server = await startScriptedWsServer({ autoPong: false });
    const { inbound } = open({ pingIntervalMs: 100 });
    await server.nextConnection();
    const started = Date.now();
    const error = await inbound.takeError(3000);
    expect(TransportClosedError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not answer a ping/);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('a peer that answers pings keeps the connection', async () => {
    const { inbound } = open({ pingIntervalMs: 50 });
    const { socket } = await server.nextConnection();
    await new Promise((r) => setTimeout(r, 300));
    socket.send(JSON.stringify({ method: 'still-here' }));
    expect(await inbound.takeNext()).toEqual({ method: 'still-here' });
  });

  it('a slow reader: writes beyond maxBufferedBytes fail the connection with a clear ProtocolError instead of buffering without bound', async () => {
    const { transport, inbound } = open({ maxBufferedBytes: 256 * 1024 });
    const { socket } = await server.nextConnection();
    socket.send(JSON.stringify({ method: 'hello' }));
    await inbound.takeNext(); // open on both ends
    (socket as unknown as { _socket: { pause(): void } })._socket.pause(); // the peer stops reading
    const chunk = { method: 'x', params: { text: 'y'.repeat(64 * 1024) } };
    for (let i = 0; i < 200 && !inbound.closed; i++) {
      transport.send(chunk);
      await new Promise((r) => setImmediate(r));
    }
    const error = await inbound.takeError();
    expect(ProtocolError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/is not reading: \d+ bytes wait to be sent \(maxBufferedBytes 262144\)/);
    expect(() => transport.send({ method: 'late' })).toThrow(TransportClosedError);
  });

  it('close() ends the stream cleanly and the server sees close code 1000', async () => {
    const { transport, inbound } = open();
    const { socket } = await server.nextConnection();
    socket.send(JSON.stringify({ method: 'hello' }));
    await inbound.takeNext(); // open on both ends
    const seen = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    await transport.close();
    await inbound.takeComplete();
    expect(await seen).toBe(1000);
    await transport.close(); // idempotent
  });

  it('Node sends the token as Authorization: Bearer', async () => {
    open({ token: TOKEN });
    const { request } = await server.nextConnection();
    expect(request.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(request.headers['sec-websocket-protocol']).toBeUndefined();
    expect(request.headers.origin).toBeUndefined(); // an app-server answers 403 to any Origin
  });

  it('a fresh token for every connection attempt when token is a function', async () => {
    let n = 0;
    const mint = () => Promise.resolve(`minted-token-${++n}`);
    open({ token: mint });
    expect((await server.nextConnection()).request.headers.authorization).toBe('Bearer minted-token-1');
    open({ token: mint });
    expect((await server.nextConnection()).request.headers.authorization).toBe('Bearer minted-token-2');
  });

  it('a browser-style constructor carries the token as subprotocols codex-rx.v1 + codex-rx.bearer.<base64url>', async () => {
    await server.close();
    server = await startScriptedWsServer({ handleProtocols: (protocols) => (protocols.has('codex-rx.v1') ? 'codex-rx.v1' : false) });
    const token = 'tøken/with+odd?chars';
    const { transport } = open({ token, tokenCarrier: 'subprotocol' });
    const { request } = await server.nextConnection();
    const offered = String(request.headers['sec-websocket-protocol']).split(/,\s*/);
    expect(offered[0]).toBe('codex-rx.v1');
    expect(offered[1].startsWith('codex-rx.bearer.')).toBe(true);
    const encoded = offered[1].slice('codex-rx.bearer.'.length);
    expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/); // base64url, no padding
    expect(Buffer.from(encoded, 'base64url').toString('utf8')).toBe(token);
    expect(request.headers.authorization).toBeUndefined();
    await eventually(() => expect(transport.protocol).toBe('codex-rx.v1'));
  });

  it('refuses to send a token over plain ws:// to a host that is not this machine, before connecting', () => {
    expect(() => new WebSocketTransport({ url: 'ws://10.1.2.3:4500', token: TOKEN })).toThrow(ValidationError);
    expect(() => new WebSocketTransport({ url: 'ws://example.com', token: TOKEN })).toThrow(/use wss:\/\//);
    expect(() => new WebSocketTransport({ url: 'wss://example.com', token: TOKEN })).not.toThrow();
    expect(() => new WebSocketTransport({ url: 'ws://localhost:1', token: TOKEN })).not.toThrow();
    expect(() => new WebSocketTransport({ url: 'ws://[::1]:1', token: TOKEN })).not.toThrow();
    expect(() => new WebSocketTransport({ url: 'ws://example.com' })).not.toThrow(); // no token, nothing to leak
  });

  it('rejects URLs it cannot use', () => {
    for (const url of ['http://127.0.0.1:1', 'not a url', '', 'unix://relative.sock']) expect(() => new WebSocketTransport({ url })).toThrow(ValidationError);
  });

  it('HTTP 401 on the upgrade → AuthenticationError without the token in it', async () => {
    const http = await refusingServer(401);
    const transport = new WebSocketTransport({ url: http.url, token: TOKEN });
    const error = (await new ObservableStream(transport.messages$).takeError(5000)) as AuthenticationError;
    expect(AuthenticationError.is(error)).toBe(true);
    expect(error.httpStatus).toBe(401);
    expect(JSON.stringify({ m: error.message, s: error.stack })).not.toContain(TOKEN);
    await new Promise<void>((r) => http.server.close(() => r()));
  });

  it('a server that accepts TCP but never upgrades: the connect timeout fails the stream', async () => {
    const http = createServer(() => undefined); // never answers
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const transport = new WebSocketTransport({ url, connectTimeoutMs: 300 });
    const error = await new ObservableStream(transport.messages$).takeError(3000);
    expect(TransportClosedError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not connect to .* within 300 ms/);
    http.closeAllConnections();
    await new Promise<void>((r) => http.close(() => r()));
  });

  it('nothing listening: TransportClosedError saying it could not connect', async () => {
    const http = createServer();
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    const port = (http.address() as AddressInfo).port;
    await new Promise<void>((r) => http.close(() => r()));
    const error = await new ObservableStream(new WebSocketTransport({ url: `ws://127.0.0.1:${port}` }).messages$).takeError(5000);
    expect(TransportClosedError.is(error)).toBe(true);
    expect((error as Error).message).toMatch(/could not connect to ws:\/\/127\.0\.0\.1:\d+.*ECONNREFUSED/);
  });

  it('masks the token in a close reason that echoes it', async () => {
    const { inbound } = open({ token: TOKEN });
    (await server.nextConnection()).socket.close(4000, `bad ${TOKEN}`);
    const error = (await inbound.takeError()) as TransportClosedError;
    expect(error.closeReason).toBe('bad [REDACTED]');
    expect(error.message).not.toContain(TOKEN);
  });

  it('uses an injected WebSocket constructor', async () => {
    const made: string[] = [];
    const Spy = class extends WebSocket {
      constructor(url: string, protocols?: string | string[], options?: object) {
        super(url, protocols, options);
        made.push(url);
      }
    } as unknown as WebSocketConstructor;
    open({ WebSocket: Spy, tokenCarrier: 'header' });
    await server.nextConnection();
    expect(made).toEqual([server.url]);
  });
});

describe('Codex over a WebSocket: a dropped connection', () => {
  it('errors every in-flight Observable at once with TransportClosedError (code and reason)', async () => {
    const server = await startScriptedWsServer();
    const codex = new Codex({ url: server.url, token: TOKEN });
    const connected = lastValueFrom(codex.connect());
    const { socket } = await server.nextConnection();
    socket.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.method === 'initialize') socket.send(JSON.stringify({ id: m.id, result: { userAgent: 'codex_cli_rs/0.171.0 (test)', codexHome: '/h', platformFamily: 'unix', platformOs: 'linux' } }));
    });
    await connected;
    const a = new ObservableStream(codex.request('model/list', {}));
    const b = new ObservableStream(codex.request('account/read', {}));
    const n = new ObservableStream(codex.notifications$);
    await eventually(() => expect(server.received(socket).length).toBe(4)); // initialize, initialized, 2 requests
    socket.close(CloseCode.GOING_AWAY, 'restarting');
    const errors = await Promise.all([a.takeError(), b.takeError(), n.takeError()]);
    for (const e of errors) {
      expect(TransportClosedError.is(e)).toBe(true);
      expect([(e as TransportClosedError).closeCode, (e as TransportClosedError).closeReason]).toEqual([1001, 'restarting']);
    }
    expect(errors[0]).toBe(errors[1]);
    await codex.close();
    await server.close();
  });

  it('config: url with process options, token without url, or a misspelt url are refused at construction', () => {
    // Mixing fails to type-check (spec/codex-config.spec.ts); the run-time check is for JavaScript callers.
    expect(() => new Codex({ url: 'ws://127.0.0.1:1', codexBin: '/x' } as never)).toThrow(/codexBin applies only when codex-rx spawns/);
    expect(() => new Codex({ token: TOKEN } as never)).toThrow(/token applies only with url/);
    expect(() => new Codex({ ulr: 'ws://127.0.0.1:1' } as never)).toThrow(/ulr is not a CodexConfig option \(did you mean url\?\)/);
    expect(() => new Codex({ url: 'ws://10.0.0.1:1', token: TOKEN })).toThrow(ValidationError);
  });
});

/** Retries an assertion until it passes (2 s). */
async function eventually(check: () => void, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      return check();
    } catch (e) {
      if (Date.now() > end) throw e;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

/** An HTTP server that answers every upgrade with `status`. */
async function refusingServer(status: number): Promise<{ url: string; server: Server }> {
  const server = createServer();
  server.on('upgrade', (_req, socket) => {
    socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
