/**
 * The gateway in front of the REAL `codex app-server` (stdio per principal, and a shared ws
 * server), against the scripted model: a turn streams through; refused methods write nothing on
 * disk; a principal leaving mid-turn (after its grace period), close() with 20 principals and a
 * crashing upstream all end their processes; no secret reaches the log. These tests share one
 * CODEX_HOME on purpose (the operator's explicit `env.CODEX_HOME`); per-principal homes are in
 * principals-e2e.spec.ts.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCodexGateway, CloseCode, MethodNotAllowedError, type CodexGateway, type CodexGatewayOptions } from '../../lib/gateway/index.js';
import { message, shellCommand, type ScriptedStep } from '../../lib/testing/node/index.js';
import { firstValueFrom } from 'rxjs';
import { Codex } from '../../lib/node/index.js';
import { processGone, startModelHome, waitGone, type ModelHome } from '../support/e2e.js';
import { appServerChildren, startListeningAppServer, TestClient } from './support.js';

jest.setTimeout(120_000);

const ORIGIN = 'https://app.example.test';
const TOKEN = 'e2e-browser-token-5b1f';

describe('codex-rx/gateway with the real app-server', () => {
  let env: ModelHome;
  let gateway: CodexGateway | undefined;
  let logs: string[];

  async function start(steps: ScriptedStep[], options: Partial<CodexGatewayOptions> = {}, home?: NonNullable<Parameters<typeof startModelHome>[0]>['home']): Promise<string> {
    env = await startModelHome({ steps, home });
    logs = [];
    gateway = createCodexGateway({
      allowedOrigins: [ORIGIN],
      // Every token that starts with TOKEN is accepted, as its own principal.
      authenticate: (_req, token) => (token.startsWith(TOKEN) ? { id: `user${token.slice(TOKEN.length)}` } : undefined),
      upstream: { env: env.home.env, cwd: env.home.workspace },
      log: (line) => logs.push(line),
      ...options,
    });
    return (await gateway.listen({ port: 0 })).url;
  }

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await env?.dispose();
  });

  /** Connects, initializes and starts a thread; returns the client, its thread id and its app-server pid. */
  async function session(url: string, token = TOKEN) {
    const before = new Set(appServerChildren());
    const client = await TestClient.connect(url, { origin: ORIGIN, token });
    expect((await client.initialize()).result.userAgent).toMatch(/0\.171\.0/);
    const threadId = (await client.request('thread/start', {})).result.thread.id as string;
    const pids = appServerChildren().filter((p) => !before.has(p));
    expect(pids).toHaveLength(1);
    return { client, threadId, pid: pids[0] };
  }

  function startTurn(client: TestClient, threadId: string, text: string) {
    return client.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
  }

  it('streams a turn through the gateway (one app-server for the principal)', async () => {
    const url = await start([message('Hello through the gateway', { chunks: 3 })]);
    const { client, threadId } = await session(url);
    const turn = (await startTurn(client, threadId, 'hi')).result.turn;
    const completed = await client.waitFor((m) => m.method === 'turn/completed');
    expect(completed.params.turn).toMatchObject({ id: turn.id, status: 'completed' });
    const deltas = client.received.filter((m) => m.method === 'item/agentMessage/delta').map((m) => m.params.delta);
    expect(deltas.join('')).toBe('Hello through the gateway');
    expect(gateway!.stats).toMatchObject({ connections: 1, upstreams: 1, denied: 0 });
  });

  it("relays an approval: a forged answer is refused, the client's answer to the request it was sent runs the command", async () => {
    // An escalation reaches the page only when the operator allows it.
    const url = await start([shellCommand('touch approved-through-gateway.txt', { escalate: 'create a file' }), message('Ran it.')], { allowEscalation: true }, { approvalPolicy: 'on-request' });
    const { client, threadId } = await session(url);
    await startTurn(client, threadId, 'go');
    const request = await client.waitFor((m) => m.method === 'item/commandExecution/requestApproval');
    expect(request.id).toBeDefined();
    client.send({ id: typeof request.id === 'number' ? request.id + 1000 : `${request.id}-forged`, result: { decision: 'decline' } });
    client.send({ id: request.id, result: { decision: 'accept' } });
    client.send({ id: request.id, result: { decision: 'decline' } }); // answered already: refused
    const completed = await client.waitFor((m) => m.method === 'turn/completed');
    expect(completed.params.turn.status).toBe('completed');
    expect(existsSync(path.join(env.home.workspace, 'approved-through-gateway.txt'))).toBe(true);
    expect(gateway!.stats.denied).toBe(2);
  });

  it('refuses fs/*, command/exec, process/spawn and config writes: nothing reaches the disk', async () => {
    const url = await start([]);
    const { client } = await session(url);
    const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-fs-'));
    const target = path.join(dir, 'written.txt');
    const config = path.join(env.home.dir, 'config.toml');
    const configBefore = readFileSync(config, 'utf8');
    try {
      const attempts: Array<[string, unknown]> = [
        ['fs/writeFile', { path: target, dataBase64: Buffer.from('pwned').toString('base64') }],
        ['fs/createDirectory', { path: path.join(dir, 'made'), recursive: true }],
        ['fs/copy', { sourcePath: config, destinationPath: path.join(dir, 'copied') }],
        ['command/exec', { command: ['touch', path.join(dir, 'exec')] }],
        ['process/spawn', { command: ['touch', path.join(dir, 'spawn')] }],
        ['config/value/write', { keyPath: 'model', value: 'evil', mergeStrategy: 'replace' }],
        ['config/batchWrite', { edits: [{ keyPath: 'model', value: 'evil', mergeStrategy: 'replace' }] }],
        ['thread/shellCommand', { threadId: 'x', command: `touch ${path.join(dir, 'shell')}` }],
        ['fs/readFile', { path: config }],
      ];
      for (const [method, params] of attempts) {
        const answer = await client.request(method, params);
        expect([method, answer.error?.code]).toEqual([method, MethodNotAllowedError.CODE]);
        expect(answer.result).toBeUndefined();
      }
      // The app-server is still there and serves what is allowed.
      expect((await client.request('model/list', {})).result.data).toBeDefined();
      await new Promise((r) => setTimeout(r, 300));
      for (const name of ['written.txt', 'made', 'copied', 'exec', 'spawn', 'shell']) expect([name, existsSync(path.join(dir, name))]).toEqual([name, false]);
      expect(readFileSync(config, 'utf8')).toBe(configBefore);
      expect(gateway!.stats.denied).toBe(attempts.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('control: the same fs/writeFile does write on a direct app-server connection (the disk check can see a write)', async () => {
    await start([]);
    const direct = new Codex({ env: env.home.env, cwd: env.home.workspace });
    const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-fs-'));
    try {
      const target = path.join(dir, 'written.txt');
      await firstValueFrom(direct.request('fs/writeFile', { path: target, dataBase64: Buffer.from('written').toString('base64') }));
      expect(readFileSync(target, 'utf8')).toBe('written');
    } finally {
      await direct.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ends the app-server of a principal whose last tab left mid-turn, once its grace period is over', async () => {
    const url = await start([{ ...message('thinking…'), hang: true }], { principalGraceMs: 300 });
    const { client, threadId, pid } = await session(url);
    await startTurn(client, threadId, 'start and hang');
    await client.waitFor((m) => m.method === 'item/agentMessage/delta');
    client.socket.terminate(); // the tab is gone: no close handshake
    await waitGone(pid);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0 });
  });

  it('close() right after a client left still waits until its app-server is gone', async () => {
    const url = await start([]);
    const { client, pid } = await session(url);
    client.socket.terminate();
    await gateway!.close();
    expect(processGone(pid)).toBe(true);
  });

  it('close() with 20 principals connected ends all 20 app-servers', async () => {
    const url = await start([]);
    const before = new Set(appServerChildren());
    const clients = await Promise.all(Array.from({ length: 20 }, (_, i) => TestClient.connect(url, { origin: ORIGIN, token: `${TOKEN}-${i}` })));
    await Promise.all(clients.map((c) => c.initialize()));
    const pids = appServerChildren().filter((p) => !before.has(p));
    expect(pids).toHaveLength(20);
    expect(gateway!.stats).toMatchObject({ connections: 20, upstreams: 20 });
    await gateway!.close();
    for (const pid of pids) expect(processGone(pid)).toBe(true);
    for (const c of clients) expect((await c.closed).code).toBe(CloseCode.GOING_AWAY);
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 0 });
  });

  it("an app-server that crashes mid-turn closes only its principal's tabs (4502); other principals keep working", async () => {
    const url = await start([{ ...message('about to crash'), hang: true }, message('still here')]);
    const a = await session(url);
    const b = await session(url, `${TOKEN}-other`);
    await startTurn(a.client, a.threadId, 'crash me');
    await a.client.waitFor((m) => m.method === 'item/agentMessage/delta');
    process.kill(a.pid, 'SIGKILL');
    const closed = await a.client.closed;
    expect(closed.code).toBe(CloseCode.UPSTREAM_FAILED);
    expect(closed.reason).toBe('the app-server was killed by SIGKILL');
    await startTurn(b.client, b.threadId, 'are you there?');
    const done = await b.client.waitFor((m) => m.method === 'turn/completed');
    expect(done.params.turn.status).toBe('completed');
    expect(gateway!.stats).toMatchObject({ connections: 1, upstreams: 1 });
  });

  it('relays to a shared app-server over ws with its token; the browser Origin is not forwarded (the app-server would refuse it)', async () => {
    env = await startModelHome({ steps: [message('shared hello')] });
    const server = await startListeningAppServer(env.home.env, env.home.workspace, 'upstream-capability-token-9f8e7d6c');
    try {
      logs = [];
      gateway = createCodexGateway({ allowedOrigins: [ORIGIN], authenticate: (_r, t) => (t === TOKEN ? { id: 'shared-user' } : undefined), upstream: { url: server.url, token: server.token }, log: (l) => logs.push(l) });
      const { url } = await gateway.listen({ port: 0 });
      const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN, headers: { Cookie: 'sid=abc' } });
      expect((await client.initialize()).result).toBeDefined();
      const threadId = (await client.request('thread/start', {})).result.thread.id;
      await startTurn(client, threadId, 'hi');
      await client.waitFor((m) => m.method === 'turn/completed');
      expect(client.received.filter((m) => m.method === 'item/agentMessage/delta').map((m) => m.params.delta).join('')).toBe('shared hello');
      await client.close();
      await gateway.close();
      expect(processGone(server.pid)).toBe(false); // a shared server outlives its clients
      for (const line of logs) expect(line).not.toContain(server.token);
    } finally {
      await server.close();
    }
  });

  it('never logs a secret, even when the app-server prints one on stderr before it fails', async () => {
    const secret = 'sk-test-SECRET-1234567890';
    const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-bin-'));
    const bin = path.join(dir, 'codex');
    writeFileSync(bin, '#!/bin/sh\necho "starting with key=$OPENAI_API_KEY and more" >&2\nsleep 0.2\nexit 3\n');
    chmodSync(bin, 0o755);
    try {
      const url = await start([], { upstream: { codexBin: bin, env: { OPENAI_API_KEY: secret }, secrets: [secret] } });
      expect(await TestClient.refusal(url, { origin: ORIGIN, token: 'wrong-token-qqqq' })).toMatchObject({ code: CloseCode.UNAUTHORIZED });
      const client = await TestClient.connect(url, { origin: ORIGIN, token: TOKEN });
      const closed = await client.closed;
      expect(closed).toEqual({ code: CloseCode.UPSTREAM_FAILED, reason: 'the app-server exited with code 3' });
      expect(logs.some((l) => l.includes('key=[REDACTED] and more'))).toBe(true);
      for (const line of logs) for (const s of [secret, TOKEN, 'wrong-token-qqqq']) expect(line).not.toContain(s);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
