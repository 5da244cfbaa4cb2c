// thread.attach() against the REAL `codex app-server` listening on ws://127.0.0.1 (startAppServer),
// with the scripted model: client A starts a long turn and leaves; client B resumes the thread and
// attaches. Also pins what the 0.171.0 binary itself does for a second connection (issue 22).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { filter, firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { ApprovalMode, Codex, isServerRequest, toTurnResult, turnProgress, type PendingServerRequest, type Thread, type TurnEvent } from '../../lib/node/index';
import { startAppServer, type RunningAppServer } from '../../lib/node/index';
import { message, shellCommand, type ScriptedStep } from '../../lib/testing/node/index';
import { ObservableStream } from '../support/observable-stream';
import { eventually, startModelHome, type ModelHome } from '../support/e2e';

jest.setTimeout(120_000);

const COMMENTARY = 'Let me think about it.';
const WORDS = Array.from({ length: 40 }, (_, i) => `word${i} `);
const ANSWER = WORDS.join('');

/** A long turn: a finished commentary message, then an answer streamed in 40 deltas, 150 ms apart. */
const LONG_TURN: ScriptedStep = {
  output: [
    { type: 'message', text: COMMENTARY, phase: 'commentary' },
    { type: 'message', text: ANSWER, chunks: WORDS, phase: 'final_answer' },
  ],
  delayMsBetweenEvents: 150,
};

const isDelta = (e: TurnEvent) => e.method === 'item/agentMessage/delta';
const deltaText = (events: readonly TurnEvent[]) => events.filter(isDelta).map((e) => (e.params as { delta: string }).delta).join('');

describe('attach to a turn started by another client (real app-server over ws)', () => {
  let env: ModelHome;
  let server: RunningAppServer & { token: string };
  const clients: Codex[] = [];
  const client = () => {
    const c = new Codex({ url: server.url, token: server.token });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    env = await startModelHome({ home: { approvalPolicy: 'on-request' } });
    server = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server?.close();
    await env?.dispose();
  });

  it('B gets the finished items, then live deltas to completion; the turn outlives A', async () => {
    env.model.enqueue(LONG_TURN);
    const a = client();
    const threadA = await firstValueFrom(a.threadStart());
    const seenByA: TurnEvent[] = [];
    threadA.turn('Write forty words').subscribe({ next: (e) => seenByA.push(e), error: () => undefined });
    // A sees the commentary finish and the answer start streaming.
    await eventually(() => expect(seenByA.filter(isDelta).length).toBeGreaterThanOrEqual(2 + 1), 30_000);
    const turnId = (seenByA.find((e) => e.method === 'turn/started')!.params as { turn: { id: string } }).turn.id;

    // B connects while the turn streams, but does not resume yet.
    const b = client();
    await firstValueFrom(b.connect());
    const heardByB: Array<{ method: string; threadId?: string }> = [];
    b.notifications$.subscribe((n) => heardByB.push({ method: n.method, threadId: (n.params as { threadId?: string } | undefined)?.threadId }));
    const aDeltasWhenBJoined = seenByA.filter(isDelta).length;
    await eventually(() => expect(seenByA.filter(isDelta).length).toBeGreaterThan(aDeltasWhenBJoined + 1), 30_000);
    // 0.171.0: a second connection hears nothing of the thread before its own thread/resume.
    expect(heardByB.filter((n) => n.threadId === threadA.id)).toEqual([]);
    const aText = deltaText(seenByA);
    expect(aText.startsWith(COMMENTARY)).toBe(true);
    const aAnswer = aText.slice(COMMENTARY.length); // the part of the answer A saw
    expect(aAnswer.length).toBeGreaterThan(0);

    await a.close(); // A leaves mid-answer
    // Nobody is subscribed for a while (the model streams a delta every 150 ms meanwhile).
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const threadB: Thread = await firstValueFrom(b.threadResume(threadA.id));
    // 0.171.0: the resume answer lists the turn inProgress with its finished items only (no partial answer).
    const listed = threadB.info.turns.find((t) => t.id === turnId)!;
    expect(listed.status).toBe('inProgress');
    expect(listed.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);
    expect(listed.items[1]).toMatchObject({ type: 'agentMessage', text: COMMENTARY });
    expect(threadB.runningTurnId).toBe(turnId);

    const events = await lastValueFrom(threadB.attach(turnId).pipe(toArray()));
    // The record first: turn/started, the user message and the commentary as item/completed.
    expect(events.slice(0, 3).map((e) => e.method)).toEqual(['turn/started', 'item/completed', 'item/completed']);
    // Then live: answer deltas to the end, the answer item, turn/completed (the turn outlived A).
    const last = events[events.length - 1]!;
    expect(last).toMatchObject({ method: 'turn/completed', params: { turn: { id: turnId, status: 'completed' } } });
    const bText = deltaText(events);
    expect(bText.length).toBeGreaterThan(0);
    // 0.171.0: deltas sent while no connection was subscribed are gone: B's live text is a suffix
    // of the answer, missing what A had seen AND what was streamed while nobody listened.
    expect(ANSWER.endsWith(bText)).toBe(true);
    expect(bText.length).toBeLessThan(ANSWER.length - aAnswer.length);
    // Each item once.
    const completedIds = events.filter((e) => e.method === 'item/completed').map((e) => (e.params as { item: { id: string } }).item.id);
    expect(new Set(completedIds).size).toBe(completedIds.length);
    expect(completedIds).toHaveLength(3);

    // The events fold as a live turn's do.
    const { of } = await import('rxjs');
    const result = await lastValueFrom(of(...events).pipe(toTurnResult()));
    expect(result).toMatchObject({ id: turnId, status: 'completed', finalResponse: ANSWER });
    expect(result.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage', 'agentMessage']);
    const progress = await lastValueFrom(of(...events).pipe(turnProgress()));
    expect(progress).toMatchObject({ status: 'completed', text: ANSWER });
    expect(threadB.runningTurnId).toBeUndefined();

    // Attaching to the completed turn: its record and completion at once.
    const again = await lastValueFrom(threadB.attach(turnId).pipe(toArray()));
    expect(again.map((e) => e.method)).toEqual(['turn/started', 'item/completed', 'item/completed', 'item/completed', 'turn/completed']);
    expect(await lastValueFrom(threadB.attach(turnId).pipe(toTurnResult()))).toMatchObject({ status: 'completed', finalResponse: ANSWER });
  });

  it('unsubscribing from an attached turn does not interrupt it; interrupt(turnId) does', async () => {
    env.model.enqueue({ output: [{ type: 'message', text: 'thinking…' }], hang: true });
    const a = client();
    const threadA = await firstValueFrom(a.threadStart());
    const started = firstValueFrom(a.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta')));
    const seenByA = new ObservableStream(threadA.turn('hang'));
    await started;
    const turnId = threadA.activeTurn!;

    const b = client();
    const threadB = await firstValueFrom(b.threadResume(threadA.id));
    const attached = threadB.attach(turnId).subscribe();
    attached.unsubscribe();
    // A still follows a running turn: B leaving sent nothing.
    const stillRunning = await lastValueFrom(threadB.read({ includeTurns: true }));
    expect(stillRunning.thread.turns.find((t) => t.id === turnId)?.status).toBe('inProgress');
    const completed = firstValueFrom(b.notifications$.pipe(filter((n) => n.method === 'turn/completed')));
    await lastValueFrom(threadB.interrupt(turnId), { defaultValue: undefined });
    const done = await completed;
    expect(done.method === 'turn/completed' && done.params.turn.status).toBe('interrupted');
    await seenByA.takeComplete(30_000).catch(() => undefined);
  });

  it('a pending approval of the turn reaches the attached stream and the resuming client, whose answer runs the command', async () => {
    const file = path.join(env.home.workspace, 'attached-approval.txt');
    env.model.enqueue(shellCommand(`touch ${file}`, { escalate: 'create the file' }), message('Done.'));
    // A asks its user, who never answers before A leaves.
    const asked: string[] = [];
    const a = new Codex({ url: server.url, token: server.token, approvalHandler: (request) => (asked.push(request.method), new Promise(() => undefined)) });
    clients.push(a);
    const threadA = await firstValueFrom(a.threadStart({ approvalMode: ApprovalMode.ask }));
    threadA.turn('touch it').subscribe({ error: () => undefined });
    await eventually(() => expect(asked).toEqual(['item/commandExecution/requestApproval']), 30_000);
    const turnId = threadA.activeTurn!;
    await a.close();

    // B: a page that answers from a dialog (pendingRequests$), resumes and attaches.
    const b = client();
    const dialog: PendingServerRequest[] = [];
    b.pendingRequests$.subscribe((p) => dialog.push(p));
    const threadB = await firstValueFrom(b.threadResume(threadA.id));
    expect(threadB.runningTurnId).toBe(turnId);
    const events = new ObservableStream(threadB.attach(turnId));
    // 0.171.0 re-sends the unanswered approval to the connection that resumed the thread.
    let request: TurnEvent | undefined;
    while (!request) {
      const e = await events.takeNext(30_000);
      if (isServerRequest(e)) request = e;
    }
    expect(request.method).toBe('item/commandExecution/requestApproval');
    expect(dialog.map((p) => p.method)).toEqual(['item/commandExecution/requestApproval']);
    dialog[0]!.respond({ decision: 'accept' });
    let last: TurnEvent | undefined;
    for (;;) {
      last = await events.takeNext(30_000);
      if (last.method === 'turn/completed') break;
    }
    expect(last).toMatchObject({ params: { turn: { id: turnId, status: 'completed' } } });
    await events.takeComplete();
    expect(existsSync(file)).toBe(true);
  });

  it('0.171.0: a second app-server on the same CODEX_HOME cannot take a thread another one holds', async () => {
    env.model.enqueue({ output: [{ type: 'message', text: 'holding' }], hang: true });
    const a = client();
    const threadA = await firstValueFrom(a.threadStart());
    const started = firstValueFrom(a.notifications$.pipe(filter((n) => n.method === 'item/agentMessage/delta')));
    const running = threadA.turn('hold it').subscribe({ error: () => undefined });
    await started;
    const second = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
    const c = new Codex({ url: second.url, token: second.token });
    try {
      const error = await firstValueFrom(c.threadResume(threadA.id)).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((error as Error | undefined)?.message)).toMatch(/active writer/);
    } finally {
      running.unsubscribe();
      await c.close();
      await second.close();
    }
  });
});
