/**
 * Red team, beyond issue 21's list: frames the gateway and the app-server read differently, and
 * principal ids chosen to climb out of the data root or to collide. Verdicts are effects: what a
 * tab is answered, what a principal can still do, where homes land on disk, what one principal
 * sees of another.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { TestClient } from './support.js';
import { openTab, startThread, labPerTest, type Target } from './red-team-support.js';

jest.setTimeout(180_000);

const lab = labPerTest();

describe('a lone surrogate: valid JSON to the gateway, a frame the app-server drops without an answer', () => {
  /** `"\ud800"` as JSON text: JSON.parse takes it, serde_json refuses it (and the app-server drops the line). */
  const LONE = '"\\ud800"';

  /**
   * Sends `{id, method, params}` with `lone` spliced in as the value of `field`, then a plain
   * request as a sync point: was it answered, was the connection closed for it, or was it dropped
   * (neither: the tab waits forever and the gateway keeps the request as in flight)?
   */
  async function sendLone(tab: TestClient, id: string, method: string, params: Record<string, unknown>, field: string): Promise<'answered' | 'closed' | 'dropped'> {
    const body = JSON.stringify({ ...params, [field]: 'LONE' }).replace('"LONE"', LONE);
    tab.socket.send(`{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${body}}`);
    // One connection is read in order: had it been answered, its answer came first.
    const closed = tab.closed.then(() => 'closed' as const);
    if ((await Promise.race([tab.request('model/list', {}).then(() => 'synced' as const), closed])) === 'closed') return 'closed';
    return tab.received.some((m) => m.id === id && m.method === undefined) ? 'answered' : 'dropped';
  }

  async function attack(target: Target): Promise<{ dropped: number; canStartAThread: boolean }> {
    let tab = await openTab(target);
    const threadId = await startThread(tab);
    if (!threadId) throw new Error('a plain thread/start was refused');
    const tries: Array<[string, string, Record<string, unknown>, string]> = [
      ['name', 'thread/name/set', { threadId }, 'name'],
      ['fork-1', 'thread/fork', {}, 'threadId'],
      ['fork-2', 'thread/fork', {}, 'threadId'],
    ];
    let dropped = 0;
    for (const [id, method, params, field] of tries) {
      const outcome = await sendLone(tab, id, method, params, field);
      if (outcome === 'dropped') dropped++;
      if (outcome === 'closed') tab = await openTab(target);
    }
    return { dropped, canStartAThread: (await startThread(tab)) !== undefined };
  }

  it('control: a bare app-server drops all three without an answer', async () => {
    expect((await attack(await lab().bare())).dropped).toBe(3);
  });

  it('through the gateway: none is left unanswered (answered or the connection closed), and the thread budget is intact', async () => {
    // Budget 3: the plain thread plus two forks that never load anything leave one.
    expect(await attack(await lab().guarded({ maxLoadedThreadsPerPrincipal: 3 }))).toEqual({ dropped: 0, canStartAThread: true });
  });
});

describe('principal ids that climb out of the data root or look alike', () => {
  const IDS = ['../../escape', 'a/b', 'a_b', '.', '..', 'ü/../a_b'];

  it('control: a home named by joining the id climbs out of the data root', () => {
    expect(path.join(lab().dataRoot, '../../escape').startsWith(lab().dataRoot + path.sep)).toBe(false);
  });

  it('through the gateway: every home is inside the data root, each its own, and look-alikes see nothing of each other', async () => {
    const target = await lab().guarded();
    const seen: Array<{ id: string; cwd: string; home: string; threadId: string; tab: TestClient }> = [];
    for (const id of IDS) {
      const tab = await target.tab(id);
      const init = await tab.initialize();
      const started = await tab.request('thread/start', {});
      seen.push({ id, cwd: started.result?.cwd, home: init.result?.codexHome, threadId: started.result?.thread?.id, tab });
    }
    const inside = (dir: unknown) => typeof dir === 'string' && dir.startsWith(lab().dataRoot + path.sep);
    expect(seen.filter((s) => !inside(s.cwd) || !inside(s.home)).map((s) => s.id)).toEqual([]);
    expect(new Set(seen.map((s) => s.cwd)).size).toBe(IDS.length);
    expect(new Set(seen.map((s) => s.home)).size).toBe(IDS.length);
    expect(existsSync(path.join(lab().dataRoot, '../../escape')) || existsSync(path.join(lab().root, 'escape'))).toBe(false);
    // Each principal lists only its own thread.
    for (const s of seen) {
      const listed = ((await s.tab.request('thread/list', {})).result?.data ?? []).map((t: { id: string }) => t.id);
      expect([s.id, listed.filter((id: string) => seen.some((o) => o.threadId === id && o !== s))]).toEqual([s.id, []]);
    }
  });
});
