// thread.attach() through codex-rx/gateway (one app-server per principal, real 0.171.0 binary,
// scripted model): tab 1 starts a long turn and leaves; tab 2 of the same user resumes and
// attaches. The gateway stayed subscribed, so tab 2 gets the whole answer so far (replayed), then
// the live deltas: the text it folds is the full answer, nothing missing, nothing doubled.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { firstValueFrom, from, lastValueFrom, toArray } from 'rxjs';
import { createCodexGateway, type CodexGateway } from '../../lib/gateway/index';
import { Codex, toTurnResult, turnProgress, type TurnEvent } from '../../lib/node/index';
import { message } from '../../lib/testing/node/index';
import { modelOverrides } from '../gateway/support';
import { eventually, startModelHome, type ModelHome } from '../support/e2e';

jest.setTimeout(120_000);

const TOKEN = 'alice-token-0001';
const WORDS = Array.from({ length: 40 }, (_, i) => `w${i} `);
const ANSWER = WORDS.join('');

describe('attach through the gateway (real app-server per principal)', () => {
  let env: ModelHome;
  let gateway: CodexGateway;
  let dataRoot: string;
  const clients: Codex[] = [];

  beforeAll(async () => {
    env = await startModelHome({ steps: [message(ANSWER, { chunks: WORDS, delayMsBetweenEvents: 100, phase: 'final_answer' })] });
    dataRoot = mkdtempSync(path.join(tmpdir(), 'codex-rx-attach-gw-'));
    gateway = createCodexGateway({
      allowedOrigins: ['https://app.example.test'],
      authenticate: (_req, token) => (token === TOKEN ? { id: 'alice' } : undefined),
      upstream: { configOverrides: modelOverrides(env.home) },
      dataRoot,
      principalGraceMs: 60_000,
      log: () => undefined,
    });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await gateway?.close();
    await env?.dispose();
    rmSync(dataRoot, { recursive: true, force: true });
  });

  it('tab 2 gets the whole answer: the replayed text so far, then live, each delta once', async () => {
    const { url } = await gateway.listen({ port: 0, host: '127.0.0.1' });
    const tab1 = new Codex({ url, token: TOKEN });
    clients.push(tab1);
    const thread1 = await firstValueFrom(tab1.threadStart());
    const seen1: TurnEvent[] = [];
    thread1.turn('forty words').subscribe({ next: (e) => seen1.push(e), error: () => undefined });
    await eventually(() => expect(seen1.filter((e) => e.method === 'item/agentMessage/delta').length).toBeGreaterThanOrEqual(3), 30_000);
    const turnId = thread1.activeTurn!;
    await tab1.close(); // the reload

    const tab2 = new Codex({ url, token: TOKEN, reconnect: true });
    clients.push(tab2);
    const thread2 = await firstValueFrom(tab2.threadResume(thread1.id));
    expect(thread2.runningTurnId).toBe(turnId);
    const events = await lastValueFrom(thread2.attach(turnId).pipe(toArray()));

    const deltas = events.filter((e) => e.method === 'item/agentMessage/delta').map((e) => (e.params as { delta: string }).delta);
    expect(deltas.join('')).toBe(ANSWER); // nothing missing (the gateway's replay), nothing doubled
    expect(events.filter((e) => e.method === 'item/started' && (e.params as { item: { type: string } }).item.type === 'agentMessage')).toHaveLength(1);
    expect(events.at(-1)).toMatchObject({ method: 'turn/completed', params: { turn: { id: turnId, status: 'completed' } } });
    const progress = await lastValueFrom(from(events).pipe(turnProgress()));
    expect(progress).toMatchObject({ status: 'completed', text: ANSWER });
    expect(await lastValueFrom(from(events).pipe(toTurnResult()))).toMatchObject({ status: 'completed', finalResponse: ANSWER });
  });
});
