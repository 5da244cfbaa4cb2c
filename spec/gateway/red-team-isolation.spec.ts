/**
 * Red team, issue 21: one user against another. Bob lists, reads, resumes, forks, renames,
 * continues and archives alice's thread, and runs a sandboxed command that reads alice's files and
 * the gateway's own environment. On one bare app-server (control) all of it works; through the
 * gateway's default deployment (a home, workspace and clean env per principal) none of alice's
 * secrets may reach bob's tab or what the model received for bob, and alice's thread stays as it was.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { functionCall, shellCommand } from '../../lib/testing/node/index.js';
import type { TestClient } from './support.js';
import { dataUrlBytes, openTab, pngWith, runTurn, startThread, textInput, labPerTest, type Target } from './red-team-support.js';

jest.setTimeout(180_000);

const lab = labPerTest();

/** Alice's conversation: a thread whose prompt is a secret. */
async function aliceThread(alice: TestClient, secret: string): Promise<string> {
  const threadId = await startThread(alice);
  if (!threadId) throw new Error("alice's thread/start was refused");
  const end = await runTurn(alice, threadId, `my secret is ${secret}`);
  if (end.error) throw new Error(`alice's turn was refused: ${JSON.stringify(end.error)}`);
  return threadId;
}

describe("(g) bob reaches alice's threads", () => {
  async function attack(target: Target): Promise<{ bobSaw: boolean; modelSawForBob: boolean; archived: boolean; renamed: boolean }> {
    const secret = `alice-prompt-secret-${Math.random().toString(36).slice(2)}`;
    const alice = await openTab(target, 'alice');
    const bob = await openTab(target, 'bob');
    const threadId = await aliceThread(alice, secret);
    const tries: Array<[string, object]> = [
      ['thread/list', {}],
      ['thread/loaded/list', {}],
      ['thread/read', { threadId, includeTurns: true }],
      ['thread/turns/list', { threadId }],
      ['thread/items/list', { threadId }],
      ['thread/resume', { threadId }],
      ['thread/fork', { threadId }],
      ['thread/name/set', { threadId, name: 'renamed by bob' }],
    ];
    for (const [method, params] of tries) await bob.request(method, params);
    // Continue alice's thread: a turn whose request to the model would carry her history.
    await runTurn(bob, threadId, 'bob continues');
    await bob.request('thread/archive', { threadId });
    const modelSawForBob = lab().model.responseRequests.some((r) => r.rawBody.includes('bob continues') && r.rawBody.includes(secret));
    const list = await alice.request('thread/list', {});
    const read = await alice.request('thread/read', { threadId });
    return {
      bobSaw: bob.raw.some((frame) => frame.includes(secret)),
      modelSawForBob,
      archived: !(list.result?.data ?? []).some((t: { id: string }) => t.id === threadId),
      renamed: read.result?.thread?.name === 'renamed by bob',
    };
  }

  it('control: on one bare app-server bob reads, continues, renames and archives it', async () => {
    expect(await attack(await lab().bare())).toEqual({ bobSaw: true, modelSawForBob: true, archived: true, renamed: true });
  });

  it('through the gateway: bob sees nothing of it and changes nothing', async () => {
    expect(await attack(await lab().guarded())).toEqual({ bobSaw: false, modelSawForBob: false, archived: false, renamed: false });
  });
});

describe("(g) bob interrupts alice's running turn", () => {
  async function attack(target: Target): Promise<string | undefined> {
    const alice = await openTab(target, 'alice');
    const bob = await openTab(target, 'bob');
    lab().plan('think for long', { output: [{ type: 'message', text: 'thinking' }], hang: true });
    const threadId = await startThread(alice);
    if (!threadId) throw new Error("alice's thread/start was refused");
    const asked = lab().model.responseRequests.length;
    const started = await alice.request('turn/start', { threadId, input: textInput('think for long') });
    const turnId = started.result.turn.id as string;
    // The turn is running: the model has its request (and never finishes the answer).
    await lab().model.waitForResponseRequests(asked + 1);
    await bob.request('turn/steer', { threadId, expectedTurnId: turnId, input: textInput('bob steers') });
    // turn/interrupt is answered once the turn has stopped.
    await bob.request('turn/interrupt', { threadId, turnId });
    const read = await alice.request('thread/read', { threadId, includeTurns: true });
    const status = (read.result?.thread?.turns ?? []).find((t: { id: string }) => t.id === turnId)?.status;
    await alice.request('turn/interrupt', { threadId, turnId });
    return status;
  }

  it('control: on one bare app-server bob stops it', async () => {
    expect(await attack(await lab().bare())).toBe('interrupted');
  });

  it('through the gateway: it keeps running', async () => {
    expect(await attack(await lab().guarded())).toBe('inProgress');
  });
});

describe("(g) bob's sandboxed command reads alice's files and the gateway's environment", () => {
  /**
   * Alice's workspace and home as her app-server reports them (thread/start `cwd`, initialize
   * `codexHome`); a directory of the lab stands in where that is not inside the lab (the bare
   * control, or a gateway that still runs in its own cwd).
   */
  async function aliceDirs(alice: TestClient, init: any): Promise<{ workspace: string; home: string }> {
    const started = await alice.request('thread/start', {});
    const inLab = (dir: unknown, fallback: string) => {
      if (typeof dir === 'string' && dir.startsWith(lab().root + path.sep) && existsSync(dir)) return dir;
      const stand = path.join(lab().root, fallback);
      mkdirSync(stand, { recursive: true });
      return stand;
    };
    return { workspace: inLab(started.result?.cwd, 'alice-workspace'), home: inLab(init.result?.codexHome, 'alice-home') };
  }

  async function attack(target: Target): Promise<Record<string, boolean>> {
    const alice = await target.tab('alice');
    const dirs = await aliceDirs(alice, await alice.initialize());
    const secrets = {
      workspace: `alice-workspace-secret-${Math.random().toString(36).slice(2)}`,
      home: `alice-home-secret-${Math.random().toString(36).slice(2)}`,
      gatewayEnv: lab().gatewaySecret,
    };
    writeFileSync(path.join(dirs.workspace, 'notes.txt'), secrets.workspace);
    writeFileSync(path.join(dirs.home, 'notes.txt'), secrets.home);
    const bob = await openTab(target, 'bob');
    const cmd = [
      `cat ${path.join(dirs.workspace, 'notes.txt')}`,
      `cat ${path.join(dirs.home, 'notes.txt')}`,
      'env',
      `tr '\\0' '\\n' < /proc/${process.pid}/environ`,
    ].join('; ');
    lab().plan('read the host', shellCommand(cmd));
    const threadId = await startThread(bob);
    if (!threadId) throw new Error("bob's thread/start was refused");
    await bob.request('turn/start', { threadId, input: textInput('read the host') });
    await bob.waitFor((m) => m.method === 'turn/completed', 60_000);
    const seen = lab().modelSaw() + bob.raw.join('\n');
    return Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, seen.includes(v)]));
  }

  it('control: on a bare app-server (read-only sandbox) the command reads all three', async () => {
    expect(await attack(await lab().bare())).toEqual({ workspace: true, home: true, gatewayEnv: true });
  });

  it('through the gateway: none of them reaches the model or bob', async () => {
    expect(await attack(await lab().guarded())).toEqual({ workspace: false, home: false, gatewayEnv: false });
  });
});

describe("(g) bob's model reads host images through a sub-agent's local_image items (spawn_agent)", () => {
  async function attack(target: Target): Promise<{ alice: boolean; operator: boolean }> {
    const alice = await openTab(target, 'alice');
    const aliceWorkspace = (await alice.request('thread/start', {})).result?.cwd;
    const secrets = { alice: `alice-image-secret-${Math.random().toString(36).slice(2)}`, operator: `operator-image-secret-${Math.random().toString(36).slice(2)}` };
    const files = {
      alice: typeof aliceWorkspace === 'string' && aliceWorkspace.startsWith(lab().root) ? path.join(aliceWorkspace, 'photo.png') : path.join(lab().root, 'alice-photo.png'),
      operator: path.join(lab().root, 'operator-photo.png'),
    };
    writeFileSync(files.alice, pngWith(secrets.alice));
    writeFileSync(files.operator, pngWith(secrets.operator));
    const bob = await openTab(target, 'bob');
    // What a page's prompt can make any model do: hand a sub-agent the host's files as images.
    lab().plan('spawn a helper', functionCall('spawn_agent', { items: [{ type: 'text', text: 'describe these' }, { type: 'local_image', path: files.alice }, { type: 'local_image', path: files.operator }] }));
    const threadId = await startThread(bob);
    if (!threadId) throw new Error("bob's thread/start was refused");
    await runTurn(bob, threadId, 'spawn a helper');
    const spawned = lab().model.responseRequests.some((r) => /function_call_output[^}]*agent_id/.test(r.rawBody));
    // A spawned agent asks the model at once (its own first request ends with its task); a refused spawn never does.
    const agentAsked = () => lab().model.responseRequests.some((r) => {
      const last = r.body?.input?.at(-1);
      return last?.type === 'message' && JSON.stringify(last).includes('describe these');
    });
    if (spawned) await waitUntil(agentAsked);
    const seen = dataUrlBytes(lab().modelSaw()) + bob.raw.join('\n');
    return { alice: seen.includes(secrets.alice), operator: seen.includes(secrets.operator) };
  }

  /** Resolves once `probe` holds, checked at each model request. */
  function waitUntil(probe: () => boolean): Promise<void> {
    return lab().model.waitForResponseRequests(lab().model.responseRequests.length + (probe() ? 0 : 1)).then(() => (probe() ? undefined : waitUntil(probe)));
  }

  it('control: on a bare app-server the sub-agent gets both images', async () => {
    await lab().namespaceTools({ spawn_agent: 'multi_agent_v1' });
    expect(await attack(await lab().bare())).toEqual({ alice: true, operator: true });
  });

  it("through the gateway: neither image's bytes reach the model", async () => {
    await lab().namespaceTools({ spawn_agent: 'multi_agent_v1' });
    expect(await attack(await lab().guarded())).toEqual({ alice: false, operator: false });
  });
});
