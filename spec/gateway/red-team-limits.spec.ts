/**
 * Red team, issue 21: the smaller classes. Forged and huge log lines, one user's resource use
 * (a 3 MiB thread name, many loaded threads, every connection slot) and server requests whose
 * keys come in another order. Verdicts are effects: what the log holds, what the app-server
 * stored or loaded, whether the other user still works, what the upstream received.
 */
import { lstatSync } from 'node:fs';
import type WebSocket from 'ws';
import { startFakeUpstream, type TestClient } from './support.js';
import { filesUnder, openTab, runTurn, startThread, textInput, type ContractOptions, labPerTest, type Target } from './red-team-support.js';

jest.setTimeout(180_000);

const lab = labPerTest();

const MIB = 1024 * 1024;

describe('(i) log forging: method names with control characters, and 3 MiB of them', () => {
  const FORGED = 'codex-rx/gateway: forged line: admin logged in';
  const methods = [`evil\n${FORGED}`, `evil\r\n${FORGED}`, `evil\u001b[2J\u2028${FORGED}`, 'x'.repeat(3 * MIB)];

  it('control: logged as received, each makes a forged line or a 3 MiB line', () => {
    const naive = methods.map((m) => `codex-rx/gateway: connection 1: refused ${m} (not in the allowed methods)`);
    const lines = naive.flatMap((l) => l.split(/\r?\n|\u2028/));
    expect(lines.filter((l) => l.startsWith(FORGED))).toHaveLength(3);
    expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(3 * MIB);
  });

  it('through the gateway: every log line is one escaped, bounded line and the connection still serves', async () => {
    const target = await lab().guarded();
    const tab = await openTab(target);
    for (const method of methods) await tab.request(method, {});
    tab.send({ id: 'id\nwith\nnewlines', result: {} });
    expect((await tab.request('model/list', {})).result).toBeDefined();
    const lines = target.logs.flatMap((l) => l.split(/\r?\n|\r|\u2028|\u2029/));
    expect(lines.filter((l) => l.startsWith(FORGED))).toEqual([]);
    expect(target.logs.filter((l) => /[\u0000-\u001f\u007f\u2028\u2029]/.test(l))).toEqual([]);
    expect(target.logs.filter((l) => l.length > 16 * 1024).map((l) => l.length)).toEqual([]);
  });
});

describe('(j) one user exhausts a resource', () => {
  /** The largest regular file under `dir` (homes, session indexes, rollouts). */
  function largestFile(dir: string): number {
    return Math.max(0, ...filesUnder(dir).map((f) => lstatSync(f).size));
  }

  async function hugeName(target: Target): Promise<{ stored: number; largestFile: number }> {
    const tab = await openTab(target);
    const threadId = await startThread(tab);
    if (!threadId) throw new Error('a plain thread/start was refused');
    await runTurn(tab, threadId, 'make it persistent');
    await tab.request('thread/name/set', { threadId, name: 'n'.repeat(3 * MIB) });
    const read = await tab.request('thread/read', { threadId });
    return { stored: (read.result?.thread?.name ?? '').length, largestFile: largestFile(lab().root) };
  }

  it('control: a bare app-server stores a 3 MiB thread name', async () => {
    const { stored, largestFile } = await hugeName(await lab().bare());
    expect(stored).toBe(3 * MIB);
    expect(largestFile).toBeGreaterThanOrEqual(3 * MIB);
  });

  it('through the gateway (default limits): the name is refused and nothing of it is stored', async () => {
    const { stored, largestFile } = await hugeName(await lab().guarded());
    expect(stored).toBeLessThan(MIB);
    expect(largestFile).toBeLessThan(MIB);
  });

  async function manyThreads(target: Target, count: number): Promise<{ loaded: number; otherUserRuns: boolean }> {
    const alice = await openTab(target, 'alice');
    for (let i = 0; i < count; i++) await alice.request('thread/start', {});
    const loaded = ((await alice.request('thread/loaded/list', {})).result?.data ?? []).length;
    const bob = await openTab(target, 'bob');
    const threadId = await startThread(bob);
    const end = threadId ? await runTurn(bob, threadId, 'bob still works') : { error: 'no thread' };
    return { loaded, otherUserRuns: end.turn?.status === 'completed' };
  }

  it('control: a bare app-server loads every thread one user starts', async () => {
    expect(await manyThreads(await lab().bare(), 8)).toEqual({ loaded: 8, otherUserRuns: true });
  });

  it('through the gateway (maxLoadedThreadsPerPrincipal 3): at most 3 stay loaded and the other user still runs', async () => {
    const { loaded, otherUserRuns } = await manyThreads(await lab().guarded({ maxLoadedThreadsPerPrincipal: 3 }), 8);
    expect(loaded).toBeLessThanOrEqual(3);
    expect(otherUserRuns).toBe(true);
  });

  /** Opens a tab and initializes it; 'refused' when the upgrade fails or the socket closes first. */
  async function tryOpen(target: Target, principal: string): Promise<TestClient | 'refused'> {
    let tab: TestClient;
    try {
      tab = await target.tab(principal);
    } catch {
      return 'refused';
    }
    const outcome = await Promise.race([tab.initialize().then((a) => (a.result ? 'open' : 'refused')), tab.closed.then(() => 'refused' as const)]);
    return outcome === 'open' ? tab : 'refused';
  }

  async function fillConnections(options: Partial<ContractOptions>): Promise<{ aliceOpen: number; bob: 'refused' | 'runs' }> {
    const target = await lab().guarded(options);
    let aliceOpen = 0;
    for (let i = 0; i < 4; i++) if ((await tryOpen(target, 'alice')) !== 'refused') aliceOpen++;
    const bob = await tryOpen(target, 'bob');
    if (bob === 'refused') return { aliceOpen, bob };
    const threadId = await startThread(bob);
    return { aliceOpen, bob: threadId ? 'runs' : 'refused' };
  }

  it('control (per-principal cap off): alice fills the global cap and bob is refused', async () => {
    expect(await fillConnections({ maxConnections: 4, maxConnectionsPerPrincipal: 4 })).toEqual({ aliceOpen: 4, bob: 'refused' });
  });

  it('through the gateway (maxConnectionsPerPrincipal 2 of 4): alice gets 2, bob still gets in', async () => {
    expect(await fillConnections({ maxConnections: 4, maxConnectionsPerPrincipal: 2 })).toEqual({ aliceOpen: 2, bob: 'runs' });
  });

  /**
   * maxAppServers 1: alice reloads her page (her app-server waits out its grace period), bob
   * connects, alice comes back. Did alice get her own app-server back (her thread still loaded)?
   */
  async function reloadWhileBobArrives(aliceWorking: boolean): Promise<{ bob: 'refused' | 'runs'; aliceKept: boolean; turn?: string }> {
    const target = await lab().guarded({ maxAppServers: 1 });
    const alice = await openTab(target, 'alice');
    const threadId = await startThread(alice);
    if (!threadId) throw new Error("alice's thread/start was refused");
    let turnId: string | undefined;
    if (aliceWorking) {
      lab().plan('a long task', { output: [{ type: 'message', text: 'working on it' }], hang: true });
      const asked = lab().model.responseRequests.length;
      turnId = (await alice.request('turn/start', { threadId, input: textInput('a long task') })).result?.turn?.id;
      await lab().model.waitForResponseRequests(asked + 1);
    }
    await alice.close();
    const bobTab = await tryOpen(target, 'bob');
    const bob = bobTab === 'refused' ? 'refused' : (await startThread(bobTab)) ? 'runs' : 'refused';
    if (bobTab !== 'refused') await bobTab.close();
    const back = await tryOpen(target, 'alice');
    if (back === 'refused') return { bob, aliceKept: false };
    const loaded: string[] = (await back.request('thread/loaded/list', {})).result?.data ?? [];
    const resumed = await back.request('thread/resume', { threadId });
    const turn = (resumed.result?.thread?.turns ?? []).find((t: { id: string }) => t.id === turnId)?.status;
    return turnId === undefined ? { bob, aliceKept: loaded.includes(threadId) } : { bob, aliceKept: loaded.includes(threadId), turn };
  }

  it('control (maxAppServers 1, alice idle): bob takes the slot and alice comes back to a new app-server', async () => {
    expect(await reloadWhileBobArrives(false)).toEqual({ bob: 'runs', aliceKept: false });
  });

  it("through the gateway (maxAppServers 1, alice's turn running): her app-server is not ended for bob", async () => {
    expect(await reloadWhileBobArrives(true)).toEqual({ bob: 'refused', aliceKept: true, turn: 'inProgress' });
  });
});

describe('(k) a server request whose keys come in another order still reaches the tab as a request', () => {
  const SERVER_ID = 7;
  /** Two server requests and a valid answer to each (an approval needs allowEscalation to reach a page). */
  const asks: Record<string, { params: object; answer: object }> = {
    'item/commandExecution/requestApproval': {
      params: { kind: 'command', threadId: 't-1', turnId: 'u-1', itemId: 'i-1', startedAtMs: 0, environmentId: null, command: 'ls' },
      answer: { decision: 'decline' },
    },
    'item/tool/requestUserInput': {
      params: { threadId: 't-1', turnId: 'u-1', itemId: 'i-1', questions: [{ id: 'q1', header: 'Pick', question: 'Which?', isOther: false, isSecret: false, options: null }], isBlocking: true, autoResolutionMs: null },
      answer: { answers: { q1: { answers: ['this one'] } } },
    },
  };
  const orders: Record<string, (method: string, params: object) => string> = {
    'id first (control)': (method, params) => JSON.stringify({ id: SERVER_ID, method, params }),
    'jsonrpc first': (method, params) => JSON.stringify({ jsonrpc: '2.0', params, id: SERVER_ID, method }),
    'params first': (method, params) => JSON.stringify({ params, method, id: SERVER_ID }),
    'method last, spaced': (method, params) => `{ "id" : ${SERVER_ID} , "params" : ${JSON.stringify(params)} , "method" : ${JSON.stringify(method)} }`,
  };

  /** A stand-in app-server: answers the handshake and model/list, then asks once with `frame`. */
  async function fakeAppServer(frame: string) {
    let asked = false;
    const reply = (socket: WebSocket, m: any) => {
      if (m.method === 'initialize') socket.send(JSON.stringify({ id: m.id, result: { userAgent: 'fake/0.171.0', codexHome: '/nonexistent', platformFamily: 'unix', platformOs: 'linux' } }));
      else if (m.method === 'model/list') {
        socket.send(JSON.stringify({ id: m.id, result: { data: [], nextCursor: null } }));
        if (!asked) socket.send(frame);
        asked = true;
      } else if (m.id !== undefined && m.method !== undefined) socket.send(JSON.stringify({ id: m.id, result: {} }));
    };
    return startFakeUpstream((text, socket) => reply(socket, JSON.parse(text)));
  }

  for (const [method, { params, answer }] of Object.entries(asks)) {
    for (const [order, frame] of Object.entries(orders)) {
      it(`${method}, ${order}: the tab sees a request and its answer reaches the app-server`, async () => {
        const fake = await fakeAppServer(frame(method, params));
        try {
          const target = await lab().guarded({ upstream: { url: fake.url }, allowEscalation: true });
          const tab = await openTab(target);
          await tab.request('model/list', {});
          const request = await tab.waitFor((m) => m.method === method);
          expect(request.id).toBeDefined();
          tab.send({ id: request.id, result: answer });
          const answered = () => fake.connections.flatMap((c) => c.frames.map((f) => JSON.parse(f))).find((m) => m.id === SERVER_ID && m.method === undefined);
          // One tab's frames reach the upstream in order: once this is answered, the answer went first.
          await tab.request('model/list', {});
          expect(answered()?.result).toEqual(answer);
        } finally {
          await fake.close();
        }
      });
    }
  }
});
