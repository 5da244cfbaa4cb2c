/**
 * openWebSocketUpstream against a stand-in app-server on ws://127.0.0.1: only the upstream token
 * travels, messages sent before the socket opens wait in order (a bounded queue), text frames come
 * back unparsed, and each way of failing is reported once, in words safe to show; a close asked
 * for is not a failure. Through the gateway: gateway.spec.ts; with the real binary: gateway-e2e.spec.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openWebSocketUpstream } from '../../lib/gateway/ws-upstream.js';
import { Waiters } from '../support/waiters.js';
import { startFakeUpstream, upstreamRecorder as recorder, type FakeUpstream } from './support.js';

describe('openWebSocketUpstream', () => {
  let upstream: FakeUpstream;
  const frames = new Waiters();
  /** The frames connection `index` of the stand-in received, once it has `count`. */
  const received = (count: number, index = 0) =>
    frames.until(
      () => ((upstream.connections[index]?.frames.length ?? 0) >= count ? upstream.connections[index].frames : undefined),
      10_000,
      () => `connection ${index} got ${upstream.connections[index]?.frames.length ?? 0} of ${count} frames`,
    );
  beforeEach(async () => {
    upstream = await startFakeUpstream((frame, socket) => {
      frames.poke();
      if (frame === 'close me') socket.close(1000);
      if (frame === 'echo') {
        socket.send(Buffer.from([0, 1, 2]), { binary: true }); // binary: not JSON-RPC, ignored
        socket.send('{"method":"x/echo","params":{}}');
      }
    });
  });
  afterEach(() => upstream.close());

  it('sends only Authorization: Bearer <token>, nothing of the browser; no header without a token', async () => {
    const r = recorder();
    const withToken = openWebSocketUpstream({ url: upstream.url, token: 'upstream-token-123' }, r.events);
    withToken.send('{"method":"a"}');
    await received(1);
    const { headers } = upstream.connections[0];
    expect(headers.authorization).toBe('Bearer upstream-token-123');
    expect([headers.origin, headers.cookie, headers['sec-websocket-protocol']]).toEqual([undefined, undefined, undefined]);
    expect(withToken.pid).toBeUndefined();
    await withToken.close();

    const without = openWebSocketUpstream({ url: upstream.url }, r.events);
    without.send('{"method":"b"}');
    await received(1, 1);
    expect(upstream.connections[1].headers.authorization).toBeUndefined();
    await without.close();
    expect(r.failures).toEqual([]);
  });

  it('holds messages sent while the socket opens and sends them first, in order; then sends at once', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    for (const m of ['{"id":1}', '{"id":2}', '{"id":3}']) up.send(m);
    expect(await received(3)).toEqual(['{"id":1}', '{"id":2}', '{"id":3}']);
    up.send('{"id":4}');
    expect(await received(4)).toEqual(['{"id":1}', '{"id":2}', '{"id":3}', '{"id":4}']);
    await up.close();
  });

  it('relays text frames as they came and ignores binary ones', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    up.send('echo');
    await r.message();
    expect(r.messages.map(String)).toEqual(['{"method":"x/echo","params":{}}']);
    await up.close();
  });

  it('fails once when more than 1000 messages wait for the socket to open', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    for (let i = 0; i < 1001; i++) up.send(`{"id":${i}}`);
    up.send('{"id":"more"}');
    expect(r.failures).toEqual(['too many messages before the app-server connection opened']);
    await up.close();
    expect(r.failures).toHaveLength(1);
  });

  it('reports an upstream that closes the connection, once', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    up.send('close me');
    expect(await r.failed()).toBe('the app-server closed the connection');
    up.send('{"id":1}'); // after the failure: dropped
    await up.close();
    expect(r.failures).toEqual(['the app-server closed the connection']);
  });

  it('reports a refused upgrade with its HTTP status, and a connection that cannot be made', async () => {
    const refusing: Server = createServer();
    refusing.on('upgrade', (_req, socket) => socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\nConnection: close\r\n\r\n'));
    await new Promise<void>((resolve) => refusing.listen(0, '127.0.0.1', () => resolve()));
    const port = (refusing.address() as AddressInfo).port;
    try {
      const r = recorder();
      const up = openWebSocketUpstream({ url: `ws://127.0.0.1:${port}`, token: 'wrong-token' }, r.events);
      expect(await r.failed()).toBe('the app-server refused the connection (HTTP 401)');
      await up.close();
      expect(r.failures).toHaveLength(1);
    } finally {
      await new Promise((resolve) => refusing.close(resolve));
    }
    // The port is free now: nothing listens there.
    const r = recorder();
    const up = openWebSocketUpstream({ url: `ws://127.0.0.1:${port}` }, r.events);
    expect(await r.failed()).toBe('the connection to the app-server failed');
    await up.close();
  });

  it('close(): the upstream sees 1000, nothing is reported, later sends are dropped; a second close resolves at once', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    up.send('{"id":1}');
    await received(1);
    const peerClosed = new Promise<number>((resolve) => upstream.connections[0].socket.once('close', (code) => resolve(code)));
    await up.close();
    expect(await peerClosed).toBe(1000);
    up.send('{"id":2}');
    await up.close();
    expect(upstream.connections[0].frames).toEqual(['{"id":1}']);
    expect(r.failures).toEqual([]);
  });

  it('close() while the socket still opens ends it without a report', async () => {
    const r = recorder();
    const up = openWebSocketUpstream({ url: upstream.url }, r.events);
    up.send('{"id":1}');
    await up.close();
    expect(r.failures).toEqual([]);
    expect(upstream.connections.flatMap((c) => c.frames)).toEqual([]); // the held message was never sent
  });
});
