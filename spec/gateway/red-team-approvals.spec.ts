/**
 * Red team, issue 21: approvals. A page-chosen approval policy, an accepted escalation, a policy
 * amendment in an answer, and an answer smuggled past the gateway with a duplicated "method" key.
 * Each runs on a bare app-server (control: the escalated command writes its marker outside the
 * workspace, or a rule file appears) and through the gateway (it must not).
 */
import { existsSync } from 'node:fs';
import { shellCommand } from '../../lib/testing/node/index.js';
import type { TestClient } from './support.js';
import { autoAnswer, openTab, runTurn, startThread, textInput, threadStartArray, labPerTest, type Target } from './red-team-support.js';

jest.setTimeout(180_000);

const lab = labPerTest();

const ON_REQUEST = { approval_policy: 'on-request' };

describe('(d) approval policy: an accepted escalation runs a command outside the sandbox', () => {
  /** The page picks on-request (field and array form) and accepts whatever it is asked. */
  async function pageChosenPolicy(target: Target): Promise<Record<string, boolean>> {
    const tab = await openTab(target);
    autoAnswer(tab, () => ({ decision: 'accept' }));
    const effects: Record<string, boolean> = {};
    for (const [form, params] of Object.entries({ field: { approvalPolicy: 'on-request' }, array: threadStartArray({ approvalPolicy: 'on-request' }) })) {
      const marker = lab().marker(`escalated-${form}`);
      lab().plan(`escalate ${form}`, shellCommand(`touch ${marker}`, { escalate: 'needs the whole disk' }));
      const threadId = await startThread(tab, params);
      if (threadId) await runTurn(tab, threadId, `escalate ${form}`);
      effects[form] = existsSync(marker);
    }
    return effects;
  }

  /** The operator runs on-request; the page accepts the escalation it is asked. */
  async function operatorPolicy(target: Target): Promise<boolean> {
    const tab = await openTab(target);
    autoAnswer(tab, () => ({ decision: 'accept' }));
    const marker = lab().marker('escalated-operator');
    lab().plan('escalate', shellCommand(`touch ${marker}`, { escalate: 'needs the whole disk' }));
    const threadId = await startThread(tab);
    if (!threadId) throw new Error('a plain thread/start was refused');
    await runTurn(tab, threadId, 'escalate');
    return existsSync(marker);
  }

  it('control: on a bare app-server the page-chosen policy and an accept run it outside the sandbox', async () => {
    expect(await pageChosenPolicy(await lab().bare())).toEqual({ field: true, array: true });
  });

  it('through the gateway: the page cannot choose the policy', async () => {
    expect(await pageChosenPolicy(await lab().guarded())).toEqual({ field: false, array: false });
  });

  it('control: on a bare on-request app-server an accepted escalation runs outside the sandbox', async () => {
    expect(await operatorPolicy(await lab().bare(ON_REQUEST))).toBe(true);
  });

  it('through the gateway (on-request, allowEscalation unset): the escalation is declined whatever the page answers', async () => {
    expect(await operatorPolicy(await lab().guarded({}, ON_REQUEST))).toBe(false);
  });
});

describe('(e) acceptWithExecpolicyAmendment writes a persistent allow rule into CODEX_HOME/rules/', () => {
  async function attack(target: Target): Promise<{ rules: string[]; ran: boolean }> {
    const tab = await openTab(target);
    // The amendment first; a decline after it, so a refused amendment leaves no request hanging.
    tab.socket.on('message', (data: Buffer) => {
      const m = JSON.parse(data.toString('utf8'));
      if (m.method !== 'item/commandExecution/requestApproval') return;
      tab.send({ id: m.id, result: { decision: { acceptWithExecpolicyAmendment: { execpolicy_amendment: ['touch'] } } } });
      tab.send({ id: m.id, result: { decision: 'decline' } });
    });
    const marker = lab().marker('amended');
    lab().plan('amend', shellCommand(`touch ${marker}`, { escalate: 'allow touch forever' }));
    const threadId = await startThread(tab);
    if (!threadId) throw new Error('a plain thread/start was refused');
    await runTurn(tab, threadId, 'amend');
    return { rules: lab().ruleFiles(lab().root), ran: existsSync(marker) };
  }

  it('control: a bare app-server writes rules/default.rules', async () => {
    const { rules } = await attack(await lab().bare(ON_REQUEST));
    expect(rules.length).toBeGreaterThan(0);
  });

  it('through the gateway (even with allowEscalation): no rule file, nothing ran', async () => {
    expect(await attack(await lab().guarded({ allowEscalation: true }, ON_REQUEST))).toEqual({ rules: [], ran: false });
  });
});

describe('(f) a duplicated "method" key smuggles an answer to a request another user was asked (shared upstream)', () => {
  /**
   * What bob sends: for each id, frames JSON.parse reads as a request and serde as a response (the
   * duplicate key plain, and spelled with unicode escapes).
   */
  function smuggle(bob: TestClient, ids: Array<number | string>): void {
    for (const id of ids) {
      for (const [a, b] of [['method', 'method'], ['method', 'm\\u0065thod'], ['\\u006dethod', 'method']]) {
        if (bob.socket.readyState === bob.socket.OPEN) bob.socket.send(`{"id":${JSON.stringify(id)},"${a}":"initialized","${b}":"initialized","result":{"decision":"accept"}}`);
      }
    }
  }

  async function attack(alice: TestClient, bob: TestClient): Promise<boolean> {
    const marker = lab().marker('smuggled');
    lab().plan('approve me', shellCommand(`touch ${marker}`, { escalate: 'alice asks alice' }));
    const threadId = await startThread(alice);
    if (!threadId) throw new Error('a plain thread/start was refused');
    const started = await alice.request('turn/start', { threadId, input: textInput('approve me') });
    const asked = await alice.waitFor((m) => (m.method === 'item/commandExecution/requestApproval' && m.id !== undefined) || (m.method === 'turn/completed' && m.params.turn.id === started.result?.turn?.id), 60_000);
    if (asked.method === 'item/commandExecution/requestApproval') {
      const ids = [asked.id, ...Array.from({ length: 20 }, (_, i) => i)];
      smuggle(bob, ids);
      // Bob's frames before this request are handled by then (one connection is read in order),
      // unless the gateway closed bob's connection for them.
      await Promise.race([bob.request('model/list', {}), bob.closed]);
      alice.send({ id: asked.id, result: { decision: 'decline' } });
      await alice.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === started.result.turn.id, 60_000);
    }
    return existsSync(marker);
  }

  it('control: on a shared bare app-server bob approves alice\'s command', async () => {
    const bare = await lab().bare(ON_REQUEST);
    expect(await attack(await openTab(bare), await openTab(bare))).toBe(true);
  });

  it("through the gateway (both principals on one shared app-server, allowEscalation): alice's decline stands", async () => {
    const bare = await lab().bare(ON_REQUEST);
    const target = await lab().guarded({ upstream: { url: bare.server.url, token: bare.server.token }, allowEscalation: true });
    expect(await attack(await openTab(target, 'alice'), await openTab(target, 'bob'))).toBe(false);
  });
});
