/**
 * The gateway against a recording stand-in app-server (a ws server): who may connect, what
 * passes, what is refused, the limits and their close codes, what travels upstream, and how one
 * principal's tabs share one upstream (ids, server requests, replay, grace).
 * The real binary behind the gateway is in gateway-e2e.spec.ts.
 */
import { CLIENT_PARAMS_DEFINITIONS } from '../../lib/protocol/validation-tables.generated.js';
import { MAX_IN_FLIGHT } from '../../lib/gateway/principal-hub.js';
import { createCodexGateway, CloseCode, DEFAULT_ALLOWED_METHODS, HubErrorCode, MethodNotAllowedError, type CodexGateway, type CodexGatewayOptions } from '../../lib/gateway/index.js';
import { rpcErrorFromWire, ValidationError } from '../../lib/errors.js';
import { RUNNING_TURN_FRAMES, startFakeUpstream, TestClient, type FakeUpstream } from './support.js';

const ORIGIN = 'http://localhost:4200';
const TOKEN = 'browser-token-0123456789';
const TOKEN_2 = 'browser-token-second-user';
const UPSTREAM_TOKEN = 'upstream-token-abcdefghij';
/** The handshake the hub itself does upstream, once per principal. */
const HUB_HANDSHAKE = ['initialize', 'initialized'];

/** The frames a stand-in upstream connection received after the hub's own handshake. */
function clientFrames(c: FakeUpstream['connections'][number]): any[] {
  return c.frames.map((f) => JSON.parse(f)).filter((m, i) => !(i < 2 && HUB_HANDSHAKE.includes(m.method)));
}

/** A connected, initialized client. */
async function ready(url: string, token = TOKEN): Promise<TestClient> {
  const client = await TestClient.connect(url, { origin: ORIGIN, token });
  await client.initialize();
  return client;
}

// Some tests move tens of MiB or hundreds of round trips: generous bounds for a loaded machine.
jest.setTimeout(60_000);

describe('codex-rx/gateway (stand-in upstream)', () => {
  let upstream: FakeUpstream;
  let gateway: CodexGateway | undefined;
  let logs: string[];
  let authCalls: string[];
  let answers: Record<string, (params: any) => unknown>;
  let rawAnswers: Record<string, (id: number) => string>;

  beforeEach(async () => {
    // Answers every request with its own id, so a client sees what reached the "app-server".
    upstream = await startFakeUpstream((frame, socket) => {
      const m = JSON.parse(frame);
      if (m.id === undefined || !m.method) return;
      if (rawAnswers[m.method]) {
        const raw = rawAnswers[m.method](m.id);
        return raw === '' ? undefined : socket.send(raw); // '' = never answered
      }
      const answer = answers[m.method]?.(m.params) ?? { echo: m.method };
      socket.send(JSON.stringify({ id: m.id, result: answer }));
    });
    answers = {};
    rawAnswers = {};
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
        return token === TOKEN ? { id: 'u1' } : token === TOKEN_2 ? { id: 'u2' } : false;
      },
      upstream: { url: upstream.url, token: UPSTREAM_TOKEN },
      log: (line) => logs.push(line),
      ...options,
    });
    return (await gateway.listen({ port: 0 })).url;
  }

  it('closes a browser with a foreign Origin with 4403 and a reason, before authenticating; nothing reaches upstream', async () => {
    const url = await start();
    expect(await TestClient.refusal(url, { origin: 'http://evil.example', token: TOKEN })).toEqual({ code: CloseCode.FORBIDDEN, reason: 'origin http://evil.example is not allowed' });
    expect(await TestClient.refusal(url, { origin: 'null', token: TOKEN })).toMatchObject({ code: CloseCode.FORBIDDEN });
    expect(authCalls).toEqual([]);
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0, accepted: 0, rejected: 2 });
  });

  it('refuses a missing or wrong token: 4401 for a browser, HTTP 401 for a Node client; nothing reaches upstream', async () => {
    const url = await start();
    expect(await TestClient.refusal(url, { origin: ORIGIN })).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'no token' });
    expect(await TestClient.refusal(url, { origin: ORIGIN, token: 'wrong' })).toEqual({ code: CloseCode.UNAUTHORIZED, reason: 'token not accepted' });
    expect(await TestClient.refusal(url, { token: 'wrong', via: 'header' })).toEqual({ status: 401 });
    expect(await TestClient.refusal(url, {})).toEqual({ status: 401 });
    expect(authCalls).toEqual(['wrong', 'wrong']);
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ accepted: 0, rejected: 4, upstreams: 0 });
  });

  it.each([
    ['true', true],
    ['a string', 'u1'],
    ['an object without id', { user: 'u1' }],
    ['an empty id', { id: '' }],
    ['a numeric id', { id: 7 }],
  ])('refuses when authenticate returns %s (not a principal), with a log line', async (_label, result) => {
    const url = await start({ authenticate: () => result as never });
    expect(await TestClient.refusal(url, { token: TOKEN, via: 'header' })).toEqual({ status: 500 });
    expect(await TestClient.refusal(url, { origin: ORIGIN, token: TOKEN })).toMatchObject({ code: CloseCode.UNAUTHORIZED });
    expect(upstream.connections).toEqual([]);
    expect(logs).toContain('codex-rx/gateway: authenticate returned something that is not a principal ({ id: string } or undefined to refuse)');
  });

  it('answers 500 (1011 for a browser) when authenticate throws, and nothing reaches upstream; the token is masked in the log', async () => {
    const url = await start({ authenticate: (_req, token) => Promise.reject(new Error(`db down while checking ${token}`)) });
    expect(await TestClient.refusal(url, { token: TOKEN, via: 'header' })).toEqual({ status: 500 });
    expect(await TestClient.refusal(url, { origin: ORIGIN, token: TOKEN })).toMatchObject({ code: CloseCode.INTERNAL_ERROR });
    expect(upstream.connections).toEqual([]);
    expect(logs).toContain('codex-rx/gateway: authenticate or upstream failed: db down while checking [REDACTED]');
    for (const line of logs) expect(line).not.toContain(TOKEN);
  });

  it('answers 503 when authenticate or the upstream function does not answer in time, and ignores their late answers', async () => {
    let admit!: (v: { id: string }) => void;
    const url = await start({ authenticateTimeoutMs: 150, authenticate: () => new Promise((resolve) => (admit = resolve)) });
    expect(await TestClient.refusal(url, { origin: ORIGIN, token: TOKEN })).toEqual({ status: 503 });
    admit({ id: 'late' });
    await new Promise((r) => setTimeout(r, 50));
    expect(upstream.connections).toEqual([]);
    expect(gateway!.stats).toMatchObject({ accepted: 0, rejected: 1, upstreams: 0 });
    expect(logs).toContain(`codex-rx/gateway: refused an upgrade (503/${CloseCode.INTERNAL_ERROR}: authenticate or upstream did not answer within 150 ms)`);
    await gateway!.close();

    const hanging = await start({ authenticateTimeoutMs: 150, upstream: () => new Promise(() => undefined) });
    expect(await TestClient.refusal(hanging, { origin: ORIGIN, token: TOKEN })).toEqual({ status: 503 });
    expect(upstream.connections).toEqual([]);
  });

  it('accepts a browser (subprotocol token, echoes codex-rx.v1) and a Node client (header); one principal = one upstream', async () => {
    const url = await start({ authenticate: async (_req, token) => (token === TOKEN ? { id: 'u1' } : undefined) });
    const browser = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect(browser.socket.protocol).toBe('codex-rx.v1');
    await browser.initialize();
    expect((await browser.request('model/list')).result).toEqual({ echo: 'model/list' });
    const node = await TestClient.connect(url, { token: TOKEN, via: 'header' });
    expect(node.socket.protocol).toBe('');
    await node.initialize();
    expect((await node.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(gateway!.stats).toMatchObject({ connections: 2, upstreams: 1, accepted: 2 });
    expect(upstream.connections).toHaveLength(1);
  });

  it('does the upstream handshake once; answers each tab\'s initialize from it and swallows its initialized', async () => {
    const url = await start();
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const b = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await a.request('model/list')).error).toMatchObject({ message: 'Not initialized' });
    expect((await a.initialize()).result).toEqual({ echo: 'initialize' });
    expect((await b.initialize()).result).toEqual({ echo: 'initialize' });
    expect((await a.request('initialize', { clientInfo: { name: 'again', title: 'again', version: '0' } })).error).toMatchObject({ message: 'Already initialized' });
    await b.request('model/list');
    expect(upstream.connections[0].frames.map((f) => JSON.parse(f).method)).toEqual([...HUB_HANDSHAKE, 'model/list']);
  });

  it('rewrites client ids to its own and maps each answer back to the tab that asked', async () => {
    const url = await start();
    const a = await ready(url);
    const b = await ready(url);
    a.send({ id: 100, method: 'model/list', params: {} });
    b.send({ id: 100, method: 'account/read', params: {} });
    a.send({ id: 'x', method: 'account/read', params: {} });
    expect(await a.waitFor((m) => m.id === 100)).toEqual({ id: 100, result: { echo: 'model/list' } });
    expect(await b.waitFor((m) => m.id === 100)).toEqual({ id: 100, result: { echo: 'account/read' } });
    expect(await a.waitFor((m) => m.id === 'x')).toEqual({ id: 'x', result: { echo: 'account/read' } });
    const ids = clientFrames(upstream.connections[0]).map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length); // (a's initialize and b's are answered by the hub)
    expect(b.received.filter((m) => m.id === 'x')).toEqual([]);
  });

  it('maps an answer back to the client id whatever the key order or spacing the app-server used', async () => {
    rawAnswers['model/list'] = (id) => `{"result":{"data":[1,2],"id":"inner"},"id":${id}}`;
    rawAnswers['account/read'] = (id) => `{ "id" : ${id}, "result" : {"account":null} }`;
    rawAnswers['thread/loaded/list'] = (id) => `{"id":${id},"result":{"data":["t"],"note":"\\u00e9 {\\"id\\":1,}"}}`;
    const url = await start();
    const a = await ready(url);
    a.send({ id: 'm', method: 'model/list', params: {} });
    a.send({ id: 'r', method: 'account/read', params: {} });
    a.send({ id: 77, method: 'thread/loaded/list', params: {} });
    expect(await a.waitFor((m) => m.id === 'm')).toEqual({ id: 'm', result: { data: [1, 2], id: 'inner' } });
    expect(await a.waitFor((m) => m.id === 'r')).toEqual({ id: 'r', result: { account: null } });
    expect(await a.waitFor((m) => m.id === 77)).toEqual({ id: 77, result: { data: ['t'], note: 'é {"id":1,}' } });
    expect(a.raw.at(-1)!.startsWith('{"id":77,')).toBe(true);
  });

  it('bounds the requests a principal has waiting for the app-server (one it never answers cannot grow memory); other principals are not affected', async () => {
    rawAnswers['thread/loaded/list'] = () => '';
    const url = await start({ maxMessagesPerSecond: 100_000 });
    const a = await ready(url);
    for (let i = 0; i < MAX_IN_FLIGHT; i++) a.send({ id: 1000 + i, method: 'thread/loaded/list', params: {} });
    const refused = await a.request('model/list');
    expect(refused.error).toMatchObject({ code: HubErrorCode.TOO_MANY_IN_FLIGHT });
    const b = await ready(url, TOKEN_2);
    expect((await b.request('model/list')).result).toEqual({ echo: 'model/list' });
  });

  it('sends only the upstream token upstream: never the Origin, cookies, headers or the browser token', async () => {
    const url = await start();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN, headers: { Cookie: 'session=s3cr3t-cookie', 'X-Custom': 'c' } });
    await client.initialize();
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
    const client = await ready(url);
    const refused = Object.keys(CLIENT_PARAMS_DEFINITIONS).filter((m) => !DEFAULT_ALLOWED_METHODS.includes(m));
    for (const method of refused) {
      const answer = await client.request(method, { path: '/tmp/x', command: ['true'] });
      expect(answer.error).toMatchObject({ code: MethodNotAllowedError.CODE, data: { method } });
      expect(MethodNotAllowedError.is(rpcErrorFromWire(answer.error, method))).toBe(true);
    }
    // Operator-owned fields: -32602 naming the field.
    expect((await client.request('thread/start', { cwd: '/' })).error).toMatchObject({ code: -32602, message: expect.stringContaining('cwd') });
    expect((await client.request('turn/start', { threadId: 't', input: [{ type: 'localImage', path: '/etc/shadow' }] })).error.code).toBe(-32602);
    // An unknown notification gets no answer and is dropped.
    client.notify('fs/writeFile', { path: '/tmp/x' });
    await client.request('model/list');
    expect(clientFrames(upstream.connections[0]).map((m) => m.method)).toEqual(['model/list']);
    expect(gateway!.stats).toMatchObject({ denied: refused.length + 3 });
  });

  it('forwards the re-serialisation of what it checked, never the client text', async () => {
    const url = await start();
    const client = await ready(url);
    client.socket.send('{ "id" : 7,"method":"model/list",  "params":{"limit":5.0}}');
    await client.waitFor((m) => m.id === 7);
    const [forwarded] = clientFrames(upstream.connections[0]);
    expect(upstream.connections[0].frames[2]).toBe(JSON.stringify({ id: forwarded.id, method: 'model/list', params: { limit: 5 } }));
  });

  it('passes server notifications through byte for byte to every initialized tab', async () => {
    const url = await start();
    const a = await ready(url);
    const b = await ready(url);
    const late = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN }); // not initialized: gets nothing
    const odd = ['{"method":"x/y",  "params":{"b":1,"a":2.50}}', '{ "method" : "z", "params" : { "s" : "\\u00e9\\n" } }', '{"method":"big","params":{"n":12345678901234567890}}'];
    for (const frame of odd) upstream.connections[0].socket.send(frame);
    await a.waitFor((m) => m.method === 'big');
    await b.waitFor((m) => m.method === 'big');
    expect(a.raw.slice(-3)).toEqual(odd);
    expect(b.raw.slice(-3)).toEqual(odd);
    expect(late.raw).toEqual([]);
  });

  it('sends server requests to every tab whatever their key order, forwards the first answer once, refuses forged and repeated ones', async () => {
    const url = await start({ allowEscalation: true }); // command approvals are escalations
    const a = await ready(url);
    const b = await ready(url);
    const up = upstream.connections[0];
    up.socket.send('{"id":0,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    up.socket.send('{"params":{},"id":"s-1","method":"item/fileChange/requestApproval"}');
    up.socket.send('{"method":"turn/started","params":{"turn":{"id":5}}}'); // a notification: nothing to answer
    for (const c of [a, b]) await c.waitFor((m) => m.id === 's-1');
    b.send({ id: 0, result: { decision: 'decline' } });
    a.send({ id: 0, result: { decision: 'accept' } }); // too late: b answered first
    a.send({ id: 's-1', error: { code: -1, message: 'no' } });
    for (const id of ['s-1', 5, 9]) a.send({ id, result: { decision: 'accept' } });
    await a.request('model/list'); // every answer above was handled before this request
    expect(clientFrames(up).filter((m) => m.method === undefined)).toEqual([
      { id: 0, result: { decision: 'decline' } },
      { id: 's-1', error: { code: -1, message: 'no' } },
    ]);
    expect(gateway!.stats.denied).toBe(4);
    expect(logs.filter((l) => l.includes('which is not pending'))).toHaveLength(4);
  });

  it('sends pending server requests to a tab that initializes later (a reload), which may answer them', async () => {
    const url = await start({ allowEscalation: true }); // command approvals are escalations
    const a = await ready(url);
    upstream.connections[0].socket.send('{"id":3,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    upstream.connections[0].socket.send('{"id":4,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    await a.waitFor((m) => m.id === 4);
    a.send({ id: 3, result: { decision: 'decline' } });
    await a.close();
    // The app-server re-sends a pending request on thread/resume (same id): not a second copy.
    upstream.connections[0].socket.send('{"id":4,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    const b = await ready(url);
    await b.request('model/list');
    expect(b.received.filter((m) => m.method === 'item/commandExecution/requestApproval').map((m) => m.id)).toEqual([4]);
    b.send({ id: 4, result: { decision: 'accept' } });
    await b.request('model/list');
    // A copy the app-server sent before it read that answer (a resume) is not sent again.
    upstream.connections[0].socket.send('{"id":4,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    await b.request('model/list');
    expect(b.received.filter((m) => m.method === 'item/commandExecution/requestApproval').map((m) => m.id)).toEqual([4]);
    expect(clientFrames(upstream.connections[0]).filter((m) => m.method === undefined)).toEqual([
      { id: 3, result: { decision: 'decline' } },
      { id: 4, result: { decision: 'accept' } },
    ]);
    expect(upstream.connections).toHaveLength(1);
  });

  it('forgets a pending server request the app-server resolved itself (serverRequest/resolved)', async () => {
    const url = await start({ allowEscalation: true }); // command approvals are escalations
    const a = await ready(url);
    upstream.connections[0].socket.send('{"id":8,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    upstream.connections[0].socket.send('{"id":9,"method":"item/commandExecution/requestApproval","params":{"threadId":"t"}}');
    upstream.connections[0].socket.send('{"method":"serverRequest/resolved","params":{"threadId":"t","requestId":8}}');
    // Any key order: params first.
    upstream.connections[0].socket.send('{"params":{"threadId":"t","requestId":9},"method":"serverRequest/resolved"}');
    await a.waitFor((m) => m.method === 'serverRequest/resolved' && m.params.requestId === 9);
    const b = await ready(url);
    a.send({ id: 8, result: { decision: 'accept' } });
    a.send({ id: 9, result: { decision: 'accept' } });
    await b.request('model/list');
    expect(b.received.filter((m) => m.id === 8 || m.id === 9)).toEqual([]);
    expect(clientFrames(upstream.connections[0]).filter((m) => m.method === undefined)).toEqual([]);
  });

  it('declines by itself a server request that asks for more permissions (allowEscalation off); no tab sees it', async () => {
    const url = await start();
    const a = await ready(url);
    upstream.connections[0].socket.send('{"id":11,"method":"item/permissions/requestApproval","params":{"threadId":"t","turnId":"u","itemId":"i","permissions":{}}}');
    await a.request('model/list');
    await eventuallyEqual(() => clientFrames(upstream.connections[0]).some((m) => m.id === 11 && m.result !== undefined), true);
    expect(a.received.filter((m) => m.id === 11)).toEqual([]);
    expect(gateway!.stats.declined).toBe(1);
  });

  it('replays a running turn\'s unfinished items to a tab whose thread/resume shows the turn inProgress', async () => {
    answers['thread/resume'] = (p) => ({ thread: { id: p.threadId, turns: [{ id: 'turn-1', status: 'inProgress', items: [{ type: 'userMessage', id: 'item-user' }] }] } });
    const url = await start();
    const a = await ready(url);
    const up = upstream.connections[0].socket;
    const frames = RUNNING_TURN_FRAMES;
    for (const f of frames) up.send(f);
    await a.waitFor((m) => m.params?.delta === 'lo');
    await a.close();
    const b = await ready(url);
    const resumed = await b.request('thread/resume', { threadId: 'th' });
    expect(resumed.result.thread.turns[0].status).toBe('inProgress');
    const after = b.raw.slice(b.raw.findIndex((r) => JSON.parse(r).id === resumed.id) + 1);
    expect(after).toEqual([frames[2], frames[3], frames[5]]);
    up.send('{"method":"item/agentMessage/delta","params":{"threadId":"th","turnId":"turn-1","itemId":"item-msg","delta":"!"}}');
    await b.waitFor((m) => m.params?.delta === '!');
  });

  it('answers thread/unsubscribe itself: the shared upstream stays subscribed', async () => {
    answers['thread/start'] = () => ({ thread: { id: 'th-1' } });
    const url = await start();
    const a = await ready(url);
    await a.request('thread/start', {});
    expect((await a.request('thread/unsubscribe', { threadId: 'th-1' })).result).toEqual({ status: 'unsubscribed' });
    expect((await a.request('thread/unsubscribe', { threadId: 'nope' })).result).toEqual({ status: 'notLoaded' });
    expect(clientFrames(upstream.connections[0]).map((m) => m.method)).toEqual(['thread/start']);
  });

  it('refuses more loaded threads than maxLoadedThreadsPerPrincipal with a JSON-RPC error; other principals are not affected', async () => {
    let n = 0;
    answers['thread/start'] = () => ({ thread: { id: `th-${++n}` } });
    answers['thread/resume'] = (p) => ({ thread: { id: p.threadId, turns: [] } });
    const url = await start({ maxLoadedThreadsPerPrincipal: 2 });
    const a = await ready(url);
    await a.request('thread/start', {});
    await a.request('thread/start', {});
    const third = await a.request('thread/start', {});
    expect(third.error).toMatchObject({ code: HubErrorCode.TOO_MANY_THREADS, data: { limit: 'maxLoadedThreadsPerPrincipal' } });
    expect((await a.request('thread/resume', { threadId: 'th-1' })).result.thread.id).toBe('th-1'); // already loaded
    expect((await a.request('thread/resume', { threadId: 'th-9' })).error.code).toBe(HubErrorCode.TOO_MANY_THREADS);
    const b = await ready(url, TOKEN_2);
    expect((await b.request('thread/start', {})).result.thread.id).toBe('th-3');
  });

  it('keeps the upstream for principalGraceMs after the last tab leaves: a reload reuses it, then it ends', async () => {
    const url = await start({ principalGraceMs: 300 });
    const a = await ready(url);
    await a.close();
    const b = await ready(url);
    await b.request('model/list');
    expect(upstream.connections).toHaveLength(1);
    expect(upstream.connections[0].socket.readyState).toBe(1);
    await b.close();
    await eventuallyEqual(() => upstream.connections[0].socket.readyState, 3);
    expect(gateway!.stats.upstreams).toBe(0);
    const c = await ready(url);
    await c.request('model/list');
    expect(upstream.connections).toHaveLength(2);
  });

  it('stops reading from the upstream while a slow client drains (bounded buffer), then delivers everything in order', async () => {
    const url = await start({ maxBufferedBytes: 64 * 1024 });
    const client = await ready(url);
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

  it('closes a connection that sends a frame over the limit (1009); the principal\'s upstream stays for its grace period', async () => {
    const url = await start({ maxFrameBytes: 1024 });
    const client = await ready(url);
    client.send({ id: 99, method: 'model/list', params: { pad: 'x'.repeat(2000) } });
    expect((await client.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
    expect(clientFrames(upstream.connections[0])).toEqual([]);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 1 });
  });

  it('counts messages per principal (all its tabs): the tab past the limit gets 4429; another principal is not affected', async () => {
    const url = await start({ maxMessagesPerSecond: 20 });
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const b = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    const other = await ready(url, TOKEN_2);
    for (let i = 0; i < 10; i++) a.notify('initialized');
    for (let i = 0; i < 200; i++) b.notify('initialized');
    expect(await b.closed).toEqual({ code: CloseCode.TOO_MANY_MESSAGES, reason: 'too many messages per second' });
    expect(gateway!.stats.limited).toBe(1);
    expect((await other.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(a.socket.readyState).toBe(1);
  });

  it('closes an idle connection (4408)', async () => {
    const url = await start({ idleTimeoutMs: 150 });
    // Taken before the upgrade: the gateway's idle clock cannot start earlier, so a close that
    // comes sooner than the timeout after this is a close before the connection was idle long enough.
    const started = Date.now();
    const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await client.closed).code).toBe(CloseCode.IDLE_TIMEOUT);
    expect(Date.now() - started).toBeGreaterThanOrEqual(149); // Date.now() has 1 ms steps
  });

  it('closes connections past maxConnections (4503) and keeps serving the others', async () => {
    const url = await start({ maxConnections: 2 });
    const a = await ready(url);
    const b = await ready(url, TOKEN_2);
    const c = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect(await c.closed).toEqual({ code: CloseCode.TOO_MANY_CONNECTIONS, reason: 'the gateway serves 2 connections already' });
    expect((await a.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect((await b.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(upstream.connections.length).toBe(2);
  });

  it('closes a principal\'s connections past maxConnectionsPerPrincipal (4503); other principals still connect', async () => {
    const url = await start({ maxConnectionsPerPrincipal: 2 });
    await ready(url);
    await ready(url);
    const third = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect(await third.closed).toEqual({ code: CloseCode.TOO_MANY_CONNECTIONS, reason: 'this user has 2 connections already' });
    const other = await ready(url, TOKEN_2);
    expect((await other.request('model/list')).result).toEqual({ echo: 'model/list' });
  });

  it('runs at most maxAppServers upstreams: a new principal takes the place of one whose tabs left and whose turn ended, else gets 4503', async () => {
    const tokens: Record<string, string> = { t1: 'p1', t2: 'p2', t3: 'p3' };
    const url = await start({ maxAppServers: 2, authenticate: (_req, token) => (tokens[token] ? { id: tokens[token] } : undefined) });
    const p1 = await ready(url, 't1');
    await ready(url, 't2');
    const refused = await TestClient.connect(url, { origin: ORIGIN, token: 't3' });
    expect(await refused.closed).toEqual({ code: CloseCode.TOO_MANY_CONNECTIONS, reason: 'the gateway runs 2 app-servers already' });
    // p1's turn runs: p1 reloading must not lose it, so p3 waits.
    upstream.connections[0].socket.send('{"method":"turn/started","params":{"threadId":"t","turn":{"id":"turn-9","status":"inProgress"}}}');
    await p1.waitFor((m) => m.method === 'turn/started');
    await p1.close();
    const waiting = await TestClient.connect(url, { origin: ORIGIN, token: 't3' });
    expect(await waiting.closed).toEqual({ code: CloseCode.TOO_MANY_CONNECTIONS, reason: 'the gateway runs 2 app-servers already' });
    // Any key order.
    upstream.connections[0].socket.send('{"params":{"threadId":"t","turn":{"id":"turn-9","status":"completed"}},"method":"turn/completed"}');
    // Once the hub has read it, p3 gets p1's place (retried until then: the frame is read asynchronously).
    let p3: TestClient | undefined;
    await eventuallyEqual(async () => {
      const c = await TestClient.connect(url, { origin: ORIGIN, token: 't3' });
      const closed = await Promise.race([c.closed, c.initialize().then(() => undefined)]);
      if (closed === undefined) p3 = c;
      return closed === undefined;
    }, true);
    expect((await p3!.request('model/list')).result).toEqual({ echo: 'model/list' });
    await eventuallyEqual(() => upstream.connections[0].socket.readyState, 3);
    expect(gateway!.stats.upstreams).toBe(2);
  });

  it.each([
    ['not JSON', (c: TestClient) => c.socket.send('{nope')],
    ['a JSON array', (c: TestClient) => c.socket.send('[{"id":1,"method":"model/list"}]')],
    ['a binary frame', (c: TestClient) => c.socket.send(Buffer.from('{"id":1,"method":"model/list"}'), { binary: true })],
    ['a non-string method', (c: TestClient) => c.socket.send('{"id":1,"method":5}')],
    ['neither request nor answer', (c: TestClient) => c.socket.send('{"id":1}')],
  ])('closes a connection that sends %s (4400), forwarding nothing', async (_label, send) => {
    const url = await start();
    const client = await ready(url);
    send(client);
    expect((await client.closed).code).toBe(CloseCode.BAD_REQUEST);
    expect(upstream.connections.flatMap((c) => clientFrames(c))).toEqual([]);
  });

  it('escapes control characters and cuts client text in log lines', async () => {
    const url = await start();
    const client = await ready(url);
    await client.request('evil\ncodex-rx/gateway: forged line', {});
    await client.request('m'.repeat(100_000), {});
    const refusals = logs.filter((l) => l.includes('refused: evil') || l.includes('refused: method names are at most'));
    expect(refusals).toHaveLength(2);
    for (const line of logs) {
      expect(line).not.toMatch(/[\n\r]/);
      expect(line.length).toBeLessThan(600);
    }
  });

  it('closes the principal\'s tabs with 4502 when the upstream goes away, and serves new clients', async () => {
    const url = await start();
    const a = await ready(url);
    const b = await ready(url);
    upstream.connections[0].socket.terminate();
    expect((await a.closed).code).toBe(CloseCode.UPSTREAM_FAILED);
    expect((await b.closed).code).toBe(CloseCode.UPSTREAM_FAILED);
    const c = await ready(url);
    expect((await c.request('model/list')).result).toEqual({ echo: 'model/list' });
  });

  it('closes the client with 4502 when the upstream refuses the connection', async () => {
    const url = await start({ upstream: { url: 'ws://127.0.0.1:1', token: UPSTREAM_TOKEN } });
    const a = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
    expect((await a.closed).code).toBe(CloseCode.UPSTREAM_FAILED);
  });

  it('close(): every client gets 1001, every upstream closes, new upgrades get 503', async () => {
    const url = await start();
    const clients = await Promise.all([TOKEN, TOKEN, TOKEN_2].map((t) => ready(url, t)));
    await gateway!.close();
    for (const c of clients) expect((await c.closed).code).toBe(CloseCode.GOING_AWAY);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0 });
    for (const c of upstream.connections) expect(c.socket.readyState).toBeGreaterThanOrEqual(2);
  });

  it('calls the upstream function once for tabs of a new principal that arrive together', async () => {
    let calls = 0;
    const url = await start({
      upstream: async () => {
        calls++;
        await new Promise((r) => setTimeout(r, 100));
        return { url: upstream.url };
      },
    });
    const tabs = await Promise.all([ready(url), ready(url), ready(url)]);
    for (const t of tabs) expect((await t.request('model/list')).result).toEqual({ echo: 'model/list' });
    expect(calls).toBe(1);
    expect(upstream.connections).toHaveLength(1);
  });

  it('calls the upstream function once per principal, with the request and the principal', async () => {
    const seen: unknown[] = [];
    const url = await start({
      upstream: (req, principal) => {
        seen.push([req.headers.origin, principal]);
        return { url: upstream.url };
      },
    });
    await ready(url);
    await ready(url);
    await ready(url, TOKEN_2);
    expect(seen).toEqual([
      [ORIGIN, { id: 'u1' }],
      [ORIGIN, { id: 'u2' }],
    ]);
    expect(upstream.connections[0].headers.authorization).toBeUndefined();
  });

  it('refuses bad options with a ValidationError before anything starts', () => {
    const auth = () => ({ id: 'u' });
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
      ['maxAppServers', { allowedOrigins: [ORIGIN], authenticate: auth, maxAppServers: 0 }],
      ['principalGraceMs', { allowedOrigins: [ORIGIN], authenticate: auth, principalGraceMs: -1 }],
      ['dataRoot', { allowedOrigins: [ORIGIN], authenticate: auth, dataRoot: '' }],
      ['models', { allowedOrigins: [ORIGIN], authenticate: auth, models: 'gpt' }],
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
    const auth = () => ({ id: 'u' });
    for (const url of ['ws://localhost:1/x', 'ws://127.0.0.2:1/x', 'ws://[::1]:1/x', 'ws://[::ffff:127.0.0.1]:1/x']) {
      const g = createCodexGateway({ allowedOrigins: [ORIGIN], authenticate: auth, upstream: { url, token: 't' } });
      await g.close();
    }
  });

  it('never logs a token', async () => {
    const url = await start();
    expect(await TestClient.refusal(url, { origin: ORIGIN, token: 'wrong-token-zzzz' })).toMatchObject({ code: CloseCode.UNAUTHORIZED });
    const client = await ready(url);
    await client.request('fs/writeFile', { path: '/tmp/x' });
    upstream.connections[0].socket.terminate();
    await client.closed;
    expect(logs.length).toBeGreaterThan(3);
    for (const line of logs) for (const secret of [TOKEN, UPSTREAM_TOKEN, 'wrong-token-zzzz', Buffer.from(TOKEN).toString('base64url')]) expect(line).not.toContain(secret);
  });
});

async function eventuallyEqual<T>(read: () => T | Promise<T>, expected: T, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (value !== expected) {
    if (Date.now() > deadline) throw new Error(`still ${String(value)}, expected ${String(expected)}`);
    await new Promise((r) => setTimeout(r, 10));
    value = await read();
  }
}
