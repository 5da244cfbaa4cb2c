/**
 * The gateway against a recording stand-in app-server (a ws server): who may connect, what
 * passes, what is refused, the limits and their close codes, and what travels upstream.
 * The real binary behind the gateway is in gateway-e2e.spec.ts.
 */
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { createCodexGateway, CloseCode, DEFAULT_ALLOWED_METHODS, MethodNotAllowedError, type CodexGateway, type CodexGatewayOptions } from '../../lib/gateway/index.js';
import { rpcErrorFromWire, ValidationError } from '../../lib/errors.js';
import { startFakeUpstream, TestClient, type FakeUpstream } from './support.js';

const ORIGIN = 'http://localhost:4200';
const TOKEN = 'browser-token-0123456789';
const UPSTREAM_TOKEN = 'upstream-token-abcdefghij';

// Some tests move tens of MiB or hundreds of round trips: generous bounds for a loaded machine.
jest.setTimeout(60_000);

describe('codex-rx/gateway (stand-in upstream)', () => {
  let upstream: FakeUpstream;
  let gateway: CodexGateway | undefined;
  let logs: string[];
  let authCalls: string[];

  beforeEach(async () => {
    // Answers every request with its own id, so a client sees what reached the "app-server".
    upstream = await startFakeUpstream((frame, socket) => {
      const m = JSON.parse(frame);
      if (m.id !== undefined && m.method) socket.send(JSON.stringify({ id: m.id, result: { echo: m.method } }));
    });
    logs = [];
    authCalls = [];
  });
  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await upstream.close();
  });

  async function start(options: Partial<CodexGatewayOptions> = {}): Promise<string> {
    gateway = createCodexGateway({
      allowedOrigins: [ORIGIN],
      authenticate: (_req, token) => {
        authCalls.push(token);
        return token === TOKEN ? { user: 'u1' } : false;
      },
      upstream: { url: upstream.url, token: UPSTREAM_TOKEN },
      log: (line) => logs.push(line),
      ...options,
    });
    return (await gateway.listen({ port: 0 })).url;
  }

  it('refuses a foreign Origin with 403 before authenticating; nothing reaches upstream', async () => {
    const url = await start();
    await expect(TestClient.connect(url, { origin: 'http://evil.example', token: TOKEN })).rejects.toMatchObject({ status: 403 });
    await expect(TestClient.connect(url, { origin: 'null', token: TOKEN })).rejects.toMatchObject({ status: 403 });
    expect(authCalls).toEqual([]);
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0, accepted: 0, rejected: 2 });
  });

  it('refuses a missing or wrong token with 401; nothing reaches upstream', async () => {
    const url = await start();
    await expect(TestClient.connect(url, { origin: ORIGIN })).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(url, { origin: ORIGIN, token: 'wrong' })).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(url, { token: 'wrong', via: 'header' })).rejects.toMatchObject({ status: 401 });
    await expect(TestClient.connect(url, {})).rejects.toMatchObject({ status: 401 });
    expect(authCalls).toEqual(['wrong', 'wrong']);
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ accepted: 0, rejected: 4, upstreams: 0 });
  });

  it('answers 500 when authenticate throws, and nothing reaches upstream; the token is masked in the log', async () => {
    const url = await start({ authenticate: (_req, token) => Promise.reject(new Error(`db down while checking ${token}`)) });
    await expect(TestClient.connect(url, { origin: ORIGIN, token: TOKEN })).rejects.toMatchObject({ status: 500 });
    expect(upstream.connections).toEqual([]);
    expect(logs).toContain('codex-rx/gateway: authenticate or upstream failed: db down while checking [REDACTED]');
    for (const line of logs) expect(line).not.toContain(TOKEN);
  });

  it('answers 503 when authenticate or the upstream function does not answer in time, and ignores their late answers', async () => {
    let admit!: (v: unknown) => void;
    const url = await start({ authenticateTimeoutMs: 150, authenticate: () => new Promise((resolve) => (admit = resolve)) });
    await expect(TestClient.connect(url, { origin: ORIGIN, token: TOKEN })).rejects.toMatchObject({ status: 503 });
    admit({ user: 'late' });
    await new Promise((r) => setTimeout(r, 50));
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ accepted: 0, rejected: 1, upstreams: 0 });
    expect(logs).toContain('codex-rx/gateway: refused an upgrade (503: authenticate or upstream did not answer within 150 ms)');
    await gateway!.close();

    const hanging = await start({ authenticateTimeoutMs: 150, upstream: () => new Promise(() => undefined) });
    await expect(TestClient.connect(hanging, { origin: ORIGIN, token: TOKEN })).rejects.toMatchObject({ status: 503 });
    expect(upstream.connections).toEqual([]);
  });

  it('accepts a browser (subprotocol token, echoes codex-rx.v1) and a Node client (Authorization header, no Origin)', async () => {
    const url = await start({ authenticate: async (_req, token) => token === TOKEN });
    const browser = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect(browser.socket.protocol).toBe('codex-rx.v1');
    expect((await browser.request('model/list')).result).toEqual({ echo: 'model/list' });
    const node = await TestClient.connect(url, { token: TOKEN, via: 'header' });
    expect(node.socket.protocol).toBe('');
    expect((await node.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(gateway!.stats).toMatchObject({ connections: 2, upstreams: 2, accepted: 2 });
  });

  it('sends only the upstream token upstream: never the Origin, cookies, headers or the browser token', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN, headers: { Cookie: 'session=s3cr3t-cookie', 'X-Custom': 'c' } });
    await client.request('model/list');
    const { headers } = upstream.connections[0];
    expect(headers.authorization).toBe(`Bearer ${UPSTREAM_TOKEN}`);
    expect(headers.origin).toBeUndefined();
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-custom']).toBeUndefined();
    expect(headers['sec-websocket-protocol']).toBeUndefined();
    expect(JSON.stringify(headers)).not.toContain(TOKEN);
  });

  it('answers every method outside the policy itself with -32010 and forwards nothing', async () => {
    const url = await start({ maxMessagesPerSecond: 100_000 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.initialize();
    const refused = Object.keys(CLIENT_PARAMS_DEFINITIONS).filter((m) => !DEFAULT_ALLOWED_METHODS.includes(m));
    for (const method of refused) {
      const answer = await client.request(method, { path: '/tmp/x', command: ['true'] });
      expect(answer).toEqual({ id: answer.id, error: { code: MethodNotAllowedError.CODE, message: `${method} is not allowed by the gateway`, data: { method, reason: 'not in the allowed methods' } } });
      const typed = rpcErrorFromWire(answer.error, method);
      expect(MethodNotAllowedError.is(typed)).toBe(true);
    }
    // Restricted params and path inputs: refused the same way.
    expect((await client.request('thread/start', { cwd: '/' })).error.code).toBe(MethodNotAllowedError.CODE);
    expect((await client.request('turn/start', { threadId: 't', input: [{ type: 'localImage', path: '/etc/shadow' }] })).error.code).toBe(MethodNotAllowedError.CODE);
    // An unknown notification gets no answer and is dropped.
    client.notify('fs/writeFile', { path: '/tmp/x' });
    await client.request('model/list');
    const frames = upstream.connections[0].frames.map((f) => JSON.parse(f).method);
    expect(frames).toEqual(['initialize', 'initialized', 'model/list']);
    expect(gateway!.stats).toMatchObject({ denied: refused.length + 3, forwarded: 3 });
  });

  it('forwards client answers to server requests', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list');
    upstream.connections[0].socket.send('{"id":"srv-1","method":"item/commandExecution/requestApproval","params":{}}');
    upstream.connections[0].socket.send('{"id":"srv-2","method":"item/fileChange/requestApproval","params":{}}');
    await client.waitFor((m) => m.id === 'srv-2');
    client.send({ id: 'srv-1', result: { decision: 'decline' } });
    client.send({ id: 'srv-2', error: { code: -1, message: 'no' } });
    await client.request('model/list');
    expect(upstream.connections[0].frames.slice(1, 3).map((f) => JSON.parse(f))).toEqual([
      { id: 'srv-1', result: { decision: 'decline' } },
      { id: 'srv-2', error: { code: -1, message: 'no' } },
    ]);
  });

  it('passes server→client frames through byte for byte (never re-serialised)', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list');
    const odd = ['{"method":"x/y",  "params":{"b":1,"a":2.50}}', '{ "method" : "z", "params" : { "s" : "\\u00e9\\n" } }', '{"method":"big","params":{"n":12345678901234567890}}'];
    for (const frame of odd) upstream.connections[0].socket.send(frame);
    await client.waitFor((m) => m.method === 'big');
    expect(client.raw.slice(-3)).toEqual(odd);
  });

  it('forwards an answer only to a server request this client was sent, once; forged and repeated answers are refused', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list'); // the upstream connection is open
    const up = upstream.connections[0];
    up.socket.send('{"id":0,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    up.socket.send('{"method":"item/fileChange/requestApproval","id":"s-1","params":{}}');
    up.socket.send('{"method":"turn/started","params":{"turn":{"id":5}}}'); // a notification: nothing to answer
    up.socket.send('{"id":9,"result":{"method":"x"}}'); // an answer to the client: nothing to answer
    await client.waitFor((m) => m.id === 9);
    for (const id of [0, 's-1', 0, 5, 9, 1]) client.socket.send(JSON.stringify({ id, result: { decision: 'accept' } }));
    await client.request('model/list'); // every answer above was handled before this request
    expect(up.frames.filter((f) => !f.includes('model/list')).map((f) => JSON.parse(f).id)).toEqual([0, 's-1']);
    expect(gateway!.stats.denied).toBe(4);
    expect(logs.filter((l) => l.includes('which it was not asked'))).toHaveLength(4);
  });

  it('forwards the client text unchanged', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const text = '{ "id" : 7,"method":"model/list",  "params":{"z":1,"a":[1.0]}}';
    client.socket.send(text);
    await client.waitFor((m) => m.id === 7);
    expect(upstream.connections[0].frames).toEqual([text]);
  });

  it('stops reading from the upstream while a slow client drains (bounded buffer), then delivers everything in order', async () => {
    const url = await start({ maxBufferedBytes: 64 * 1024 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list');
    client.socket.pause(); // the browser stops reading
    const up = upstream.connections[0].socket;
    const frame = (i: number) => JSON.stringify({ method: 'x/big', params: { i, pad: 'p'.repeat(64 * 1024) } });
    const count = 400; // ~26 MiB: far more than the socket buffers on both sides hold
    for (let i = 0; i < count; i++) up.send(frame(i));
    await new Promise((r) => setTimeout(r, 1000));
    // The gateway stopped reading: the rest waits in the upstream's own send buffer.
    expect(up.bufferedAmount).toBeGreaterThan(4 * 1024 * 1024);
    client.socket.resume();
    await client.waitFor((m) => m.method === 'x/big' && m.params.i === count - 1, 30_000);
    const seen = client.received.filter((m) => m.method === 'x/big').map((m) => m.params.i);
    expect(seen).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('closes a connection that sends a frame over the limit (1009)', async () => {
    const url = await start({ maxFrameBytes: 1024 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list');
    client.send({ id: 99, method: 'model/list', params: { pad: 'x'.repeat(2000) } });
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    expect(upstream.connections[0].frames.length).toBe(1);
    await eventuallyEqual(() => gateway!.stats.upstreams, 0);
  });

  it('closes a connection that floods (4429) and forwards nothing past the limit', async () => {
    const url = await start({ maxMessagesPerSecond: 20 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    for (let i = 0; i < 200; i++) client.notify('initialized');
    expect(await client.closed).toEqual({ code: CloseCode.TOO_MANY_MESSAGES, reason: 'too many messages per second' });
    expect(upstream.connections[0]?.frames.length ?? 0).toBeLessThanOrEqual(20);
    expect(gateway!.stats.limited).toBe(1);
  });

  it('closes an idle connection (4408)', async () => {
    const url = await start({ idleTimeoutMs: 150 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const started = Date.now();
    expect((await client.closed).code).toBe(CloseCode.IDLE_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('closes connections past maxConnections (4503) and keeps serving the others', async () => {
    const url = await start({ maxConnections: 2 });
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const b = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const c = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await c.closed).code).toBe(CloseCode.TOO_MANY_CONNECTIONS);
    expect((await a.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect((await b.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(upstream.connections.length).toBe(2);
  });

  it.each([
    ['not JSON', (c: TestClient) => c.socket.send('{nope')],
    ['a JSON array', (c: TestClient) => c.socket.send('[{"id":1,"method":"model/list"}]')],
    ['a binary frame', (c: TestClient) => c.socket.send(Buffer.from('{"id":1,"method":"model/list"}'), { binary: true })],
    ['a non-string method', (c: TestClient) => c.socket.send('{"id":1,"method":5}')],
    ['neither request nor answer', (c: TestClient) => c.socket.send('{"id":1}')],
  ])('closes a connection that sends %s (4400), forwarding nothing', async (_label, send) => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    send(client);
    expect((await client.closed).code).toBe(CloseCode.BAD_REQUEST);
    expect(upstream.connections.flatMap((c) => c.frames)).toEqual([]);
  });

  it('closes the client with 4502 when the upstream goes away, and serves new clients', async () => {
    const url = await start();
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await a.request('model/list');
    upstream.connections[0].socket.terminate();
    expect((await a.closed).code).toBe(CloseCode.UPSTREAM_FAILED);
    const b = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await b.request('model/list')).result).toEqual({ echo: 'model/list' });
  });

  it('closes the client with 4502 when the upstream refuses the connection', async () => {
    const url = await start({ upstream: { url: 'ws://127.0.0.1:1', token: UPSTREAM_TOKEN } });
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await a.closed).code).toBe(CloseCode.UPSTREAM_FAILED);
  });

  it('close(): every client gets 1001, every upstream closes, new upgrades get 503', async () => {
    const url = await start();
    const clients = await Promise.all(Array.from({ length: 5 }, () => TestClient.connect(url, { origin: ORIGIN, token: TOKEN })));
    await Promise.all(clients.map((c) => c.request('model/list')));
    await gateway!.close();
    for (const c of clients) expect((await c.closed).code).toBe(CloseCode.GOING_AWAY);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0 });
    for (const c of upstream.connections) expect(c.socket.readyState).toBeGreaterThanOrEqual(2);
  });

  it('gives the upstream function the request and what authenticate returned', async () => {
    const seen: unknown[] = [];
    const url = await start({
      upstream: (req, auth) => {
        seen.push([req.headers.origin, auth]);
        return { url: upstream.url };
      },
    });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('model/list');
    expect(seen).toEqual([[ORIGIN, { user: 'u1' }]]);
    expect(upstream.connections[0].headers.authorization).toBeUndefined();
  });

  it('refuses bad options with a ValidationError before anything starts', () => {
    const auth = () => true;
    const bad: Array<[string, unknown]> = [
      ['allowedOrigins', { authenticate: auth }],
      ['allowedOrigins', { allowedOrigins: [], authenticate: auth }],
      ['allowedOrigins[0]', { allowedOrigins: ['*'], authenticate: auth }],
      ['authenticate', { allowedOrigins: [ORIGIN] }],
      ['maxConnections', { allowedOrigins: [ORIGIN], authenticate: auth, maxConnections: 0 }],
      ['upstream.url', { allowedOrigins: [ORIGIN], authenticate: auth, upstream: { url: 'http://127.0.0.1:1' } }],
      ['upstream.url', { allowedOrigins: [ORIGIN], authenticate: auth, upstream: { url: 'ws://example.com/x', token: 't' } }],
      ['upstream.url', { allowedOrigins: [ORIGIN], authenticate: auth, upstream: { url: 'ws://evil.localhost/x', token: 't' } }],
      ['authenticateTimeoutMs', { allowedOrigins: [ORIGIN], authenticate: auth, authenticateTimeoutMs: 0 }],
    ];
    for (const [path, options] of bad) {
      let error: unknown;
      try {
        createCodexGateway(options as CodexGatewayOptions);
      } catch (e) {
        error = e;
      }
      expect(ValidationError.is(error)).toBe(true);
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
    }
  });

  it('lets a token go over plain ws:// to a loopback upstream only (localhost, 127/8, ::1, IPv4-mapped)', async () => {
    const auth = () => true;
    for (const url of ['ws://localhost:1/x', 'ws://127.0.0.2:1/x', 'ws://[::1]:1/x', 'ws://[::ffff:127.0.0.1]:1/x']) {
      const g = createCodexGateway({ allowedOrigins: [ORIGIN], authenticate: auth, upstream: { url, token: 't' } });
      await g.close();
    }
  });

  it('never logs a token', async () => {
    const url = await start();
    await expect(TestClient.connect(url, { origin: ORIGIN, token: 'wrong-token-zzzz' })).rejects.toMatchObject({ status: 401 });
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    await client.request('fs/writeFile', { path: '/tmp/x' });
    upstream.connections[0].socket.terminate();
    await client.closed;
    expect(logs.length).toBeGreaterThan(3);
    for (const line of logs) for (const secret of [TOKEN, UPSTREAM_TOKEN, 'wrong-token-zzzz', Buffer.from(TOKEN).toString('base64url')]) expect(line).not.toContain(secret);
  });
});

async function eventuallyEqual<T>(read: () => T, expected: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (read() !== expected) {
    if (Date.now() > deadline) throw new Error(`still ${String(read())}, expected ${String(expected)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
