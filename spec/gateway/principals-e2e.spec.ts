/**
 * One app-server per principal, shared by its tabs, with the REAL `codex app-server` (0.171.0)
 * and the scripted model: two tabs share one process; a reload within the grace period keeps the
 * running turn (the resuming tab gets the text so far, then the live deltas); a pending approval
 * is answered from the new tab; another principal sees none of it and its commands cannot read
 * the first one's files or the gateway's environment; the grace period and close() end the
 * processes; a principal may live on another host (`{ url, token }` per principal).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCodexGateway, type CodexGateway, type CodexGatewayOptions } from '../../lib/gateway/index.js';
import { principalDirName } from '../../lib/gateway/principal-home.js';
import { startAppServer, type RunningAppServer } from '../../lib/node/index.js';
import { message, shellCommand, type ScriptedStep } from '../../lib/testing/node/index.js';
import { processGone, startModelHome, waitGone, type ModelHome } from '../support/e2e.js';
import { appServerChildren, deltaText, modelOverrides, TestClient } from './support.js';

jest.setTimeout(120_000);

const ORIGIN = 'https://app.example.test';
const USERS: Record<string, string> = { 'alice-token-0001': 'alice', 'bob-token-0002': 'bob' };
const ALICE = 'alice-token-0001';
const BOB = 'bob-token-0002';
const INPUT = (text: string) => [{ type: 'text', text, text_elements: [] }];

describe('codex-rx/gateway: one app-server per principal (real binary)', () => {
  let env: ModelHome;
  let gateway: CodexGateway | undefined;
  let dataRoot: string;
  let logs: string[];

  async function start(
    steps: ScriptedStep[],
    options: Partial<CodexGatewayOptions> = {},
    approvalPolicy?: 'never' | 'on-request',
    extra: { overrides?: Record<string, unknown>; env?: Record<string, string> } = {},
  ): Promise<string> {
    env = await startModelHome({ steps });
    dataRoot = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-data-'));
    logs = [];
    gateway = createCodexGateway({
      allowedOrigins: [ORIGIN],
      authenticate: (_req, token) => (USERS[token] ? { id: USERS[token] } : undefined),
      upstream: { configOverrides: { ...modelOverrides(env.home, approvalPolicy), ...extra.overrides }, env: extra.env },
      dataRoot,
      log: (line) => logs.push(line),
      ...options,
    });
    return (await gateway.listen({ port: 0 })).url;
  }

  afterEach(async () => {
    await gateway?.close();
    gateway = undefined;
    await env?.dispose();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  const workspaceOf = (user: string) => path.join(dataRoot, principalDirName(user), 'workspace');

  async function tab(url: string, token = ALICE): Promise<TestClient> {
    const client = await TestClient.connect(url, { origin: ORIGIN, token });
    expect((await client.initialize()).result.userAgent).toMatch(/0\.171\.0/);
    return client;
  }

  it('two tabs of one principal share one app-server; a reload within the grace period keeps the running turn and replays its text so far', async () => {
    const text = 'The quick brown fox jumps over the lazy dog, again and again, until the very end.';
    const url = await start([message(text, { chunks: 40, delayMsBetweenEvents: 60 })], { principalGraceMs: 60_000 });
    const before = new Set(appServerChildren());
    const tab1 = await tab(url);
    const tab2 = await tab(url);
    const pids = appServerChildren().filter((p) => !before.has(p));
    expect(pids).toHaveLength(1);
    const threadId = (await tab1.request('thread/start', {})).result.thread.id as string;
    await tab1.request('turn/start', { threadId, input: INPUT('tell me') });
    // Both tabs see the thread's live events (one shared upstream connection).
    await tab2.waitFor((m) => m.method === 'item/agentMessage/delta');
    await tab1.waitFor((m) => m.method === 'item/agentMessage/delta' && deltaText(tab1).length >= 6);
    await tab1.close();
    await tab2.close();
    expect(gateway!.stats).toMatchObject({ connections: 0, upstreams: 1 });

    // The reload: a new tab, same principal, same app-server.
    const tab3 = await tab(url);
    expect(appServerChildren().filter((p) => !before.has(p))).toEqual(pids);
    const resumed = await tab3.request('thread/resume', { threadId });
    const turn = resumed.result.thread.turns.at(-1);
    expect(turn.status).toBe('inProgress');
    const completed = await tab3.waitFor((m) => m.method === 'turn/completed');
    expect(completed.params.turn.status).toBe('completed');
    // Replayed item/started + deltas so far, then live deltas: the whole answer, once.
    expect(deltaText(tab3)).toBe(text);
    const after = tab3.received.slice(tab3.received.indexOf(resumed) + 1);
    expect(after.find((m) => m.method === 'item/started' && m.params.item.type === 'agentMessage')).toBeDefined();
    expect(processGone(pids[0])).toBe(false);
  });

  it('a pending approval is sent to the tab that comes after a reload; its answer runs the command (allowEscalation on)', async () => {
    const url = await start([shellCommand('touch approved-after-reload.txt', { escalate: 'make a file' }), message('Done.')], { allowEscalation: true, principalGraceMs: 60_000 }, 'on-request');
    const tab1 = await tab(url);
    const threadId = (await tab1.request('thread/start', {})).result.thread.id as string;
    await tab1.request('turn/start', { threadId, input: INPUT('go') });
    const asked = await tab1.waitFor((m) => m.method === 'item/commandExecution/requestApproval');
    await tab1.close();

    const tab2 = await tab(url);
    const again = await tab2.waitFor((m) => m.method === 'item/commandExecution/requestApproval');
    expect(again.id).toBe(asked.id);
    await tab2.request('thread/resume', { threadId });
    tab2.send({ id: again.id, result: { decision: 'accept' } });
    const completed = await tab2.waitFor((m) => m.method === 'turn/completed');
    expect(completed.params.turn.status).toBe('completed');
    expect(existsSync(path.join(workspaceOf('alice'), 'approved-after-reload.txt'))).toBe(true);
    // Sent once to the new tab, although the app-server sent it again on thread/resume.
    expect(tab2.received.filter((m) => m.method === 'item/commandExecution/requestApproval')).toHaveLength(1);
  });

  it('declines an escalation by itself by default: the page never sees it and the command does not run', async () => {
    const url = await start([shellCommand('touch escalated.txt', { escalate: 'please' }), message('Declined, fine.')], {}, 'on-request');
    const client = await tab(url);
    const threadId = (await client.request('thread/start', {})).result.thread.id as string;
    await client.request('turn/start', { threadId, input: INPUT('go') });
    await client.waitFor((m) => m.method === 'turn/completed');
    expect(client.received.filter((m) => m.method === 'item/commandExecution/requestApproval')).toEqual([]);
    expect(existsSync(path.join(workspaceOf('alice'), 'escalated.txt'))).toBe(false);
    expect(gateway!.stats.declined).toBe(1);
  });

  it("another principal sees none of it: its own app-server, no threads listed, cannot read the first one's thread", async () => {
    const url = await start([message('secret plans of alice')]);
    const alice = await tab(url);
    const threadId = (await alice.request('thread/start', {})).result.thread.id as string;
    await alice.request('turn/start', { threadId, input: INPUT('remember') });
    await alice.waitFor((m) => m.method === 'turn/completed');
    expect((await alice.request('thread/list', {})).result.data.map((t: { id: string }) => t.id)).toContain(threadId);

    const before = new Set(appServerChildren());
    const bob = await tab(url, BOB);
    expect(appServerChildren().filter((p) => !before.has(p))).toHaveLength(1);
    expect((await bob.request('thread/list', {})).result.data).toEqual([]);
    const read = await bob.request('thread/read', { threadId, includeTurns: true });
    expect(read.result).toBeUndefined();
    expect(read.error).toBeDefined();
    expect(bob.raw.join('\n')).not.toContain('secret plans of alice');
  });

  it("a command of one principal cannot read another principal's files nor the gateway's environment (permission profile + clean env)", async () => {
    process.env.CODEX_RX_GATEWAY_SECRET_E2E = 'gateway-env-secret-31337';
    try {
      // An operator-added variable reaches the app-server, not its commands (shell_environment_policy.inherit = "core"; a
      // name without KEY/SECRET/TOKEN, which Codex's default excludes would drop anyway).
      const url = await start([], {}, undefined, { env: { OPERATOR_PLAIN_E2E: 'operator-value-4242' } });
      const alice = await tab(url);
      await alice.request('thread/start', {});
      const secretFile = path.join(workspaceOf('alice'), 'alice-secret.txt');
      writeFileSync(secretFile, 'ALICE-SECRET-7788');
      env.model.enqueue(shellCommand(`cat ${secretFile}; echo "env=$CODEX_RX_GATEWAY_SECRET_E2E"; echo "key=$OPERATOR_PLAIN_E2E"; echo "home=$HOME"; echo ok > own.txt`), message('read it'));
      const bob = await tab(url, BOB);
      const threadId = (await bob.request('thread/start', {})).result.thread.id as string;
      await bob.request('turn/start', { threadId, input: INPUT('look around') });
      const item = await bob.waitFor((m) => m.method === 'item/completed' && m.params.item.type === 'commandExecution');
      await bob.waitFor((m) => m.method === 'turn/completed');
      const output: string = item.params.item.aggregatedOutput;
      expect(output).not.toContain('ALICE-SECRET-7788');
      expect(output).toContain('env=\n');
      expect(output).toContain('key=\n');
      expect(output).toContain(`home=${path.join(dataRoot, principalDirName('bob'))}`);
      // The command ran, inside its own workspace (so the checks above are not vacuous).
      expect(readFileSync(path.join(workspaceOf('bob'), 'own.txt'), 'utf8')).toBe('ok\n');
    } finally {
      delete process.env.CODEX_RX_GATEWAY_SECRET_E2E;
    }
  });

  it("control: with the operator choosing Codex's built-in :workspace profile instead, the same command does read the other principal's file", async () => {
    const url = await start([], {}, undefined, { overrides: { default_permissions: ':workspace' } });
    const alice = await tab(url);
    await alice.request('thread/start', {});
    const secretFile = path.join(workspaceOf('alice'), 'alice-secret.txt');
    writeFileSync(secretFile, 'ALICE-SECRET-7788');
    env.model.enqueue(shellCommand(`cat ${secretFile}`), message('read it'));
    const bob = await tab(url, BOB);
    const threadId = (await bob.request('thread/start', {})).result.thread.id as string;
    await bob.request('turn/start', { threadId, input: INPUT('look around') });
    const item = await bob.waitFor((m) => m.method === 'item/completed' && m.params.item.type === 'commandExecution');
    expect(item.params.item.aggregatedOutput).toContain('ALICE-SECRET-7788');
  });

  it('ends the app-server when the grace period after the last tab is over, and close() leaves no process', async () => {
    const url = await start([], { principalGraceMs: 500 });
    const before = new Set(appServerChildren());
    const alice = await tab(url);
    const bob = await tab(url, BOB);
    const [first, second] = appServerChildren().filter((p) => !before.has(p));
    expect(second).toBeDefined();
    await alice.close();
    await waitGone(first, 10_000);
    expect(gateway!.stats).toMatchObject({ upstreams: 1, connections: 1 });
    expect(processGone(second)).toBe(false);
    await gateway!.close();
    expect(processGone(second)).toBe(true);
    expect((await bob.closed).code).toBe(1001);
  });

  it('sends each principal to its own listening app-server when upstream returns { url, token } per principal', async () => {
    env = await startModelHome({ steps: [message('hello alice'), message('hello bob')] });
    dataRoot = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-data-'));
    const servers = new Map<string, RunningAppServer & { token: string }>();
    try {
      gateway = createCodexGateway({
        allowedOrigins: [ORIGIN],
        authenticate: (_req, token) => (USERS[token] ? { id: USERS[token] } : undefined),
        // Stands in for "a pod per user": one listening app-server per principal, its own home.
        upstream: async (_req, principal) => {
          const home = mkdtempSync(path.join(dataRoot, `${principal.id}-`));
          const server = await startAppServer({ auth: 'capability-token', env: { CODEX_HOME: home }, cwd: home, configOverrides: modelOverrides(env.home, 'never') });
          servers.set(principal.id, server);
          return { url: server.url, token: server.token };
        },
      });
      const { url } = await gateway.listen({ port: 0 });
      const alice = await tab(url);
      const aliceThread = (await alice.request('thread/start', {})).result.thread.id;
      await alice.request('turn/start', { threadId: aliceThread, input: INPUT('hi') });
      await alice.waitFor((m) => m.method === 'turn/completed');
      const bob = await tab(url, BOB);
      expect((await bob.request('thread/list', {})).result.data).toEqual([]);
      const bobThread = (await bob.request('thread/start', {})).result.thread.id;
      await bob.request('turn/start', { threadId: bobThread, input: INPUT('hi') });
      await bob.waitFor((m) => m.method === 'turn/completed');
      expect(deltaText(alice)).toBe('hello alice');
      expect(deltaText(bob)).toBe('hello bob');
      expect([...servers.keys()]).toEqual(['alice', 'bob']);
      expect(servers.get('alice')!.pid).not.toBe(servers.get('bob')!.pid);
      await gateway.close();
      gateway = undefined;
      for (const s of servers.values()) expect(processGone(s.pid)).toBe(false); // remote servers are not the gateway's to end
    } finally {
      await Promise.all([...servers.values()].map((s) => s.close()));
    }
  });
});
