import { distinctUntilChanged, firstValueFrom, lastValueFrom, map, switchMap, toArray } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { JsonRpcError, turnProgress, type TurnNotification } from '../../lib/index.js';
import { FakeAppServer, ObservableStream, rpcError, scriptTurn, threadInfo, threadStartResponse } from '../../lib/testing/index.js';

const methods = (events: TurnNotification[]) => events.map((e) => e.method);

function marbles(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

describe('FakeAppServer: the handshake and the common methods', () => {
  let server: FakeAppServer;
  beforeEach(() => (server = new FakeAppServer()));

  it('answers initialize, thread/start, model/list and account/read with defaults', async () => {
    const codex = server.createClient();
    const init = await lastValueFrom(codex.connect());
    expect(init.platformOs).toBe('linux');
    const thread = await lastValueFrom(codex.threadStart({ cwd: '/repo' }));
    expect(thread.id).toBe('thr-1');
    expect(server.thread('thr-1')?.cwd).toBe('/repo');
    expect(server.requests('thread/start')).toEqual([expect.objectContaining({ cwd: '/repo' })]);
    const models = await lastValueFrom(codex.models());
    expect(models.data.map((m) => m.id)).toEqual(['mock-model']);
    const account = await lastValueFrom(codex.account());
    expect(account.account).toEqual({ type: 'apiKey' });
    await codex.close();
  });

  it('resumes, forks, reads, lists and archives threads it started', async () => {
    const codex = server.createClient();
    const first = await lastValueFrom(codex.threadStart());
    await lastValueFrom(first.run('one'));
    const resumed = await lastValueFrom(codex.threadResume(first.id));
    expect(resumed.id).toBe(first.id);
    const fork = await lastValueFrom(codex.threadFork(first.id));
    expect(fork.id).toBe('thr-2');
    expect(server.thread('thr-2')?.forkedFromId).toBe('thr-1');
    const read = await lastValueFrom(codex.request('thread/read', { threadId: first.id, includeTurns: true }));
    expect(read.thread.turns.map((t) => [t.id, t.status])).toEqual([['turn-1', 'completed']]);
    expect((await lastValueFrom(codex.threadList())).data.map((t) => t.id)).toEqual(['thr-1', 'thr-2']);
    await lastValueFrom(codex.threadArchive('thr-2'));
    expect((await lastValueFrom(codex.threadList())).data.map((t) => t.id)).toEqual(['thr-1']);
    expect((await lastValueFrom(codex.threadList({ archived: true }))).data.map((t) => t.id)).toEqual(['thr-2']);
    await codex.close();
  });

  it('answers a method it does not know with -32601 naming handle()', async () => {
    const codex = server.createClient();
    const error = await lastValueFrom(codex.request('config/read', {})).catch((e) => e);
    expect(JsonRpcError.is(error)).toBe(true);
    expect(error.code).toBe(-32601);
    expect(error.message).toContain("server.handle(\"config/read\"");
    await codex.close();
  });

  it('takes per-call overrides: handle(), handleOnce() with the default answer, thrown errors', async () => {
    server.handleOnce('thread/start', (params, request) => ({ ...request.defaultResult(), model: 'gpt-test' }));
    server.handleOnce('thread/start', () => {
      throw rpcError(-32001, 'Server overloaded; retry later');
    });
    server.handle('model/list', () => ({ data: [], nextCursor: null }));
    const codex = server.createClient();
    const seen = await firstValueFrom(codex.request('thread/start', {}));
    expect(seen.model).toBe('gpt-test');
    const busy = await lastValueFrom(codex.request('thread/start', {})).catch((e) => e);
    expect(busy.code).toBe(-32001);
    expect((await lastValueFrom(codex.request('thread/start', {}))).model).toBe('mock-model');
    expect((await lastValueFrom(codex.models())).data).toEqual([]);
    await codex.close();
  });

  it('holds requests for the test to answer by hand', async () => {
    server.hold('thread/start');
    const codex = server.createClient();
    const stream = new ObservableStream(codex.threadStart());
    await stream.expectNoEvent(10);
    server.respondTo('thread/start', threadStartResponse(threadInfo({ id: 'thr-manual' })));
    expect((await stream.takeNext()).id).toBe('thr-manual');
    await stream.takeComplete();
    server.hold('model/list');
    const failing = new ObservableStream(codex.models());
    server.failTo('model/list', -32603, 'boom');
    const error = (await failing.takeError()) as JsonRpcError;
    expect(error.code).toBe(-32603);
    expect(error.message).toContain('boom');
    expect(() => server.respondTo('model/list')).toThrow('no held model/list request');
    await codex.close();
  });
});

describe('FakeAppServer: what it sent (delivered, delivered$)', () => {
  it('records every answer, notification and server request in the order it went out', async () => {
    const server = new FakeAppServer().enqueueTurn(scriptTurn().command('ls', { approval: true }));
    const live: string[] = [];
    server.delivered$.subscribe((d) => live.push(`${d.kind} ${d.method}`));
    const codex = server.createClient({ approvalHandler: () => ({ decision: 'accept' }) });
    const thread = await lastValueFrom(codex.threadStart());
    await lastValueFrom(thread.turn('go').pipe(toArray()));
    const failed = await lastValueFrom(codex.request('config/read', {})).catch((e) => e);
    await codex.close();

    const kinds = server.delivered.map((d) => `${d.kind} ${d.method}`);
    expect(kinds).toEqual(live);
    expect(kinds).toEqual([
      'answer initialize',
      'answer thread/start',
      'answer turn/start',
      'notification thread/status/changed',
      'notification turn/started',
      'notification item/started',
      'notification item/completed',
      'notification item/started',
      'notification thread/status/changed',
      'request item/commandExecution/requestApproval',
      'notification serverRequest/resolved',
      'notification thread/status/changed',
      'notification item/completed',
      'notification thread/status/changed',
      'notification turn/completed',
      'answer config/read',
    ]);
    // `message` is what went on the wire, answers included.
    const request = server.delivered.find((d) => d.kind === 'request')!;
    expect(server.answers[0].request).toEqual(request.message);
    expect(server.delivered[1].message).toEqual({ id: server.transport.sent[2].id, result: expect.objectContaining({ thread: expect.objectContaining({ id: thread.id }) }) });
    expect(server.delivered[server.delivered.length - 1].message).toEqual({ id: expect.any(Number), error: expect.objectContaining({ code: -32601 }) });
    expect(failed.code).toBe(-32601);
  });

  it('keeps no record with recordSent: false (delivered$ still emits)', async () => {
    const server = new FakeAppServer({ recordSent: false });
    const live: string[] = [];
    server.delivered$.subscribe((d) => live.push(d.method));
    const codex = server.createClient();
    await lastValueFrom(codex.threadStart());
    await codex.close();
    expect(server.delivered).toEqual([]);
    expect(live).toEqual(['initialize', 'thread/start']);
  });

  it('never delivers re-entrantly: the answer to a request sent in reaction to a message comes after that message', async () => {
    const server = new FakeAppServer().enqueueTurn(scriptTurn().agentMessage('hi'));
    const codex = server.createClient();
    const seen: string[] = [];
    codex.notifications$.subscribe((n) => {
      if (n.method === 'turn/started') codex.models().subscribe(() => seen.push('models answered'));
    });
    codex.notifications$.subscribe((n) => seen.push(n.method));
    const thread = await lastValueFrom(codex.threadStart());
    await lastValueFrom(thread.turn('go').pipe(toArray()));
    await codex.close();
    expect(seen.slice(0, 3)).toEqual(['thread/status/changed', 'turn/started', 'models answered']);
  });
});

describe('FakeAppServer: scripted turns in real time', () => {
  it('plays every kind of event in order and completes the turn', async () => {
    const server = new FakeAppServer().enqueueTurn(
      scriptTurn()
        .reasoning('Looking', { chunks: 2 })
        .plan([{ step: 'read', status: 'inProgress' }])
        .command('npm test', { output: 'ok\n', exitCode: 0 })
        .fileChange([{ path: 'a.txt', diff: '+a\n', kind: 'add' }])
        .mcpToolCall('docs', 'search', { arguments: { q: 'x' }, progress: ['50%'], result: [{ type: 'text', text: 'hit' }] })
        .tokenUsage({ inputTokens: 5, outputTokens: 2 })
        .agentMessage('Done!', { chunks: ['Do', 'ne!'], phase: 'final_answer' }),
    );
    const codex = server.createClient();
    const thread = await lastValueFrom(codex.threadStart());
    const events = await lastValueFrom(thread.turn('go').pipe(toArray()));
    expect(methods(events)).toEqual([
      'turn/started',
      'item/started', // the user's message
      'item/completed',
      'item/started',
      'item/reasoning/summaryPartAdded',
      'item/reasoning/summaryTextDelta',
      'item/reasoning/summaryTextDelta',
      'item/completed',
      'turn/plan/updated',
      'item/started',
      'item/commandExecution/outputDelta',
      'item/completed',
      'item/started',
      'item/completed',
      'turn/diff/updated',
      'item/started',
      'item/mcpToolCall/progress',
      'item/completed',
      'thread/tokenUsage/updated',
      'item/started',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/completed',
      'turn/completed',
    ]);
    const result = await lastValueFrom(thread.run('again')); // the queue is empty: the default turn
    expect(result.finalResponse).toBe('Done.');
    await codex.close();
  });

  it('reports failed and interrupted endings, and exit codes', async () => {
    const server = new FakeAppServer().enqueueTurn(scriptTurn().command('false', { exitCode: 2 }).fail('quota exceeded'), scriptTurn().interrupted());
    const codex = server.createClient();
    const thread = await lastValueFrom(codex.threadStart());
    const failed = await lastValueFrom(thread.turn('a').pipe(toArray()));
    const command = failed.find((e) => e.method === 'item/completed' && e.params.item.type === 'commandExecution');
    expect(command?.params).toMatchObject({ item: { status: 'failed', exitCode: 2 } });
    expect(failed.find((e) => e.method === 'error')?.params).toMatchObject({ error: { message: 'quota exceeded' }, willRetry: false });
    expect(failed[failed.length - 1].params).toMatchObject({ turn: { status: 'failed', error: { message: 'quota exceeded' } } });
    const interrupted = await lastValueFrom(thread.turn('b').pipe(toArray()));
    expect(interrupted[interrupted.length - 1].params).toMatchObject({ turn: { status: 'interrupted' } });
    await codex.close();
  });

  it('records the answer the code under test gave to each approval and question', async () => {
    const seen: unknown[] = [];
    const server = new FakeAppServer().enqueueTurn(
      scriptTurn()
        .command('rm -rf build', { approval: { reason: 'cleanup', onAnswer: (a) => seen.push(a.result) } })
        .fileChange([{ path: 'b.txt', diff: '-b\n' }], { approval: true })
        .userInput(['Which branch?']),
    );
    const codex = server.createClient({
      approvalHandler: (request) => {
        if (request.method === 'item/commandExecution/requestApproval') return { decision: 'decline' };
        if (request.method === 'item/fileChange/requestApproval') return { decision: 'accept' };
        if (request.method === 'item/tool/requestUserInput') return { answers: { q1: { answers: ['main'] } } };
        return undefined;
      },
    });
    const thread = await lastValueFrom(codex.threadStart());
    const events = await lastValueFrom(thread.turn('go').pipe(toArray()));
    expect(seen).toEqual([{ decision: 'decline' }]);
    expect(server.answers.map((a) => [a.request.method, a.result])).toEqual([
      ['item/commandExecution/requestApproval', { decision: 'decline' }],
      ['item/fileChange/requestApproval', { decision: 'accept' }],
      ['item/tool/requestUserInput', { answers: { q1: { answers: ['main'] } } }],
    ]);
    const completedItems = events.filter((e) => e.method === 'item/completed').map((e) => [e.params.item.type, 'status' in e.params.item ? e.params.item.status : undefined]);
    expect(completedItems).toEqual([
      ['userMessage', undefined],
      ['commandExecution', 'declined'],
      ['fileChange', 'completed'],
    ]);
    expect(events.filter((e) => e.method === 'serverRequest/resolved')).toHaveLength(3);
    await codex.close();
  });

  it('interrupts a hanging turn when the subscriber leaves, and steers the running turn', async () => {
    const server = new FakeAppServer().enqueueTurn(scriptTurn().agentMessage('working').hang());
    const codex = server.createClient();
    const thread = await lastValueFrom(codex.threadStart());
    const stream = new ObservableStream(thread.turn('go'));
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push((await stream.takeNext()).method);
    expect(seen).toEqual(['turn/started', 'item/started', 'item/completed', 'item/started', 'item/agentMessage/delta', 'item/completed']);
    await stream.expectNoEvent(10);
    expect(server.activeTurnId('thr-1')).toBe('turn-1');
    await lastValueFrom(thread.steer('also this'));
    expect(server.requests('turn/steer')).toEqual([expect.objectContaining({ expectedTurnId: 'turn-1' })]);
    stream.unsubscribe();
    expect(server.requests('turn/interrupt')).toEqual([{ threadId: 'thr-1', turnId: 'turn-1' }]);
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.activeTurnId('thr-1')).toBeUndefined();
    expect(server.thread('thr-1')?.turns.map((t) => t.status)).toEqual(['interrupted']);
    await codex.close();
  });

  it('answers a second turn/start on a busy thread with the running turn, as the real server does', async () => {
    const server = new FakeAppServer().enqueueTurn(scriptTurn().hang());
    const codex = server.createClient();
    const thread = await lastValueFrom(codex.threadStart());
    const input = [{ type: 'text' as const, text: 'x', text_elements: [] }];
    const a = await lastValueFrom(codex.request('turn/start', { threadId: thread.id, input }));
    const b = await lastValueFrom(codex.request('turn/start', { threadId: thread.id, input }));
    expect([a.turn.id, b.turn.id]).toEqual(['turn-1', 'turn-1']);
    await codex.close();
  });
});

describe('FakeAppServer: scripted turns in virtual time', () => {
  it('places events at frames and waits for the answer of an approval dialog', () => {
    marbles().run(({ cold, expectObservable }) => {
      const server = new FakeAppServer();
      server.enqueueTurn(scriptTurn().wait(1).command('rm -rf build', { approval: true }).wait(2).agentMessage('Skipped.'));
      const codex = server.createClient({ approvalHandler: () => cold('--d|', { d: { decision: 'decline' } }) });
      const view$ = codex.threadStart().pipe(
        switchMap((t) => t.turn('clean')),
        turnProgress(),
        map((p) => `${p.status} ${p.pendingRequests.length} ${p.text}`),
        distinctUntilChanged(),
      );
      expectObservable(view$).toBe('ab-c-(de|)', { a: 'inProgress 0 ', b: 'inProgress 1 ', c: 'inProgress 0 ', d: 'inProgress 0 Skipped.', e: 'completed 0 Skipped.' });
      expectObservable(server.answers$.pipe(map((a) => a.result))).toBe('---x', { x: { decision: 'decline' } });
    });
  });
});
