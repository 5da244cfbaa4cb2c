// The client API (Codex, Thread, operators) against the REAL `codex app-server` and the
// scripted Responses-API model.
import { firstValueFrom, lastValueFrom, mergeMap, tap, toArray } from 'rxjs';
import { agentText, isServerRequest, TransportClosedError, TurnFailedError, type Thread, type TurnNotification, type TurnResult } from '../../lib/index';
import { message, shellCommand } from '../../lib/testing/index';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated';
import { conversation, eventually, IDLE_STATS, processGone, Recorder, startE2E, type E2E } from '../support/e2e';

jest.setTimeout(60_000);

/**
 * exec_command waits this long for the command to exit (Codex's default is 10 s, its maximum 30 s).
 * On a loaded machine even `echo` under `bash -lc` has taken ~10 s; past the wait Codex reports
 * the command as still running and the turn ends without its item/completed.
 */
const SLOW_MACHINE_YIELD_MS = 30_000;

describe('Codex client against the real app-server', () => {
  let e2e: E2E;

  beforeAll(async () => {
    // on-request: plain turns run as usual; escalated commands ask the client first.
    e2e = await startE2E({ home: { approvalPolicy: 'on-request' } });
  });

  beforeEach(() => e2e.model.reset());

  afterEach(async () => {
    await eventually(() => expect(e2e.codex.stats).toEqual(IDLE_STATS));
    expect(e2e.model.pending).toBe(0);
  });

  afterAll(async () => {
    const pid = e2e.transport.pid;
    await e2e.dispose();
    if (pid !== undefined) expect(processGone(pid)).toBe(true);
  });

  it('quickstart: threadStart + run gives the final response, the items, the usage and the timing', async () => {
    const answer = 'Hello from the scripted model.';
    e2e.model.enqueue(message(answer, { chunks: 4, usage: { inputTokens: 120, cachedInputTokens: 20, outputTokens: 7 } }));
    let thread!: Thread;

    const result = await lastValueFrom(
      e2e.codex.threadStart().pipe(
        tap((t) => (thread = t)),
        mergeMap((t) => t.run('Say hello')),
      ),
    );

    expect(result.threadId).toBe(thread.id);
    expect(result.status).toBe('completed');
    expect(result.error).toBeNull();
    expect(result.finalResponse).toBe(answer);
    expect(result.items.map((i) => i.type)).toEqual(['userMessage', 'agentMessage']);
    expect(result.items[0]).toMatchObject({ type: 'userMessage', content: [{ type: 'text', text: 'Say hello', text_elements: [] }] });
    expect(result.items[1]).toMatchObject({ type: 'agentMessage', text: answer, phase: null });
    const usage = { totalTokens: 127, inputTokens: 120, cachedInputTokens: 20, cacheWriteInputTokens: 0, outputTokens: 7, reasoningOutputTokens: 0 };
    expect(result.usage).toEqual({ total: usage, last: usage, modelContextWindow: null });
    expect(typeof result.durationMs).toBe('number');
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.startedAt).toEqual(expect.any(Number));
    expect(result.completedAt).toBeGreaterThanOrEqual(result.startedAt!);
    expect(thread.activeTurn).toBeUndefined();

    // What Codex sent the model.
    expect(e2e.model.responseRequests).toHaveLength(1);
    const body = e2e.model.responseRequests[0].body;
    expect(body.model).toBe('mock-model');
    expect(conversation(body)).toEqual([{ role: 'user', text: 'Say hello' }]);
    expect(e2e.codex.metadata?.userAgent).toMatch(new RegExp(`^codex_rx/${PROTOCOL_VERSION.replace(/\./g, '\\.')} `));
  });

  it('streams deltas in order, and agentText() builds the full text from them', async () => {
    const chunks = ['Stre', 'aming ', 'in ', 'order', '.'];
    e2e.model.enqueue(message(chunks.join(''), { chunks, delayMsBetweenEvents: 5 }));
    const thread = await firstValueFrom(e2e.codex.threadStart());
    const events: TurnNotification[] = [];

    const texts = await lastValueFrom(thread.turn('stream please').pipe(tap((e) => events.push(e)), agentText(), toArray()));

    const deltas = events.filter((e) => e.method === 'item/agentMessage/delta');
    expect(deltas.map((d) => (d.params as { delta: string }).delta)).toEqual(chunks);
    expect(texts).toEqual(['Stre', 'Streaming ', 'Streaming in ', 'Streaming in order', 'Streaming in order.']);
    const agentItem = events.find((e) => e.method === 'item/completed' && e.params.item.type === 'agentMessage')!;
    const itemId = (agentItem.params as { item: { id: string } }).item.id;
    for (const d of deltas) expect((d.params as { itemId: string }).itemId).toBe(itemId);
    // Deltas come after the item started and before it completed; the turn completes last.
    const index = (e: TurnNotification) => events.indexOf(e);
    const started = events.findIndex((e) => e.method === 'item/started' && e.params.item.type === 'agentMessage');
    expect(started).toBeLessThan(index(deltas[0]));
    expect(index(deltas[deltas.length - 1])).toBeLessThan(index(agentItem));
    expect(events[events.length - 1].method).toBe('turn/completed');
    expect(events.filter((e) => e.method === 'turn/completed')).toHaveLength(1);
  });

  it('a failed turn (model HTTP 500, no retries) errors run() with TurnFailedError', async () => {
    e2e.model.enqueue({ httpError: { status: 500 } });
    const thread = await firstValueFrom(e2e.codex.threadStart());

    const error = await lastValueFrom(thread.run('this will fail')).then(
      (r: TurnResult) => {
        throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
      },
      (e: unknown) => e,
    );

    expect(TurnFailedError.is(error)).toBe(true);
    const failed = error as TurnFailedError;
    expect(failed.threadId).toBe(thread.id);
    expect(failed.turnId).toEqual(expect.any(String));
    expect(failed.turnError).toEqual(expect.objectContaining({ codexErrorInfo: 'internalServerError' }));
    expect(failed.turn).toEqual(expect.objectContaining({ id: failed.turnId, status: 'failed' }));
    expect(failed.message).toMatch(new RegExp(`^turn ${failed.turnId} failed: .+`));
    expect(e2e.model.responseRequests).toHaveLength(1); // request_max_retries = 0
    expect(thread.activeTurn).toBeUndefined();
  });

  it('a failed turn still completes the turn stream, after an error notification', async () => {
    e2e.model.enqueue({ httpError: { status: 500 } });
    const thread = await firstValueFrom(e2e.codex.threadStart());

    const events = await lastValueFrom(thread.turn('this will fail too').pipe(toArray()));

    const errors = events.filter((e) => e.method === 'error');
    expect(errors).toEqual([expect.objectContaining({ params: expect.objectContaining({ threadId: thread.id, willRetry: false }) })]);
    const last = events[events.length - 1];
    expect(last.method).toBe('turn/completed');
    expect((last.params as any).turn).toMatchObject({ status: 'failed', error: { codexErrorInfo: 'internalServerError' } });
  });

  it('without any handler, an approval request gets the safe answer: decline', async () => {
    e2e.model.enqueue(shellCommand('echo should-not-run', { escalate: 'Try it', callId: 'call_unhandled' }), message('It was declined.'));
    const thread = await firstValueFrom(e2e.codex.threadStart());

    const events = await lastValueFrom(thread.turn('run something').pipe(toArray()));

    const requests = events.filter(isServerRequest);
    expect(requests.map((r) => r.method)).toEqual(['item/commandExecution/requestApproval']);
    expect(e2e.sent.filter((m) => m.id === requests[0].id && m.method === undefined)).toEqual([{ id: requests[0].id, result: { decision: 'decline' } }]);
    const exec = events.filter((e) => e.method === 'item/completed').map((e) => (e.params as any).item).find((i) => i.type === 'commandExecution');
    expect(exec).toMatchObject({ id: 'call_unhandled', status: 'declined' });
    const output = e2e.model.responseRequests[1].body.input.find((i: { type: string; call_id?: string }) => i.type === 'function_call_output' && i.call_id === 'call_unhandled');
    expect(output.output).toContain('rejected by user');
    expect(exec.aggregatedOutput).toBeNull(); // it never ran
  });

  it('a turn approvalHandler answers its turn\'s approvals (accept), with the thread and turn ids', async () => {
    e2e.model.enqueue(shellCommand('echo hello-from-exec', { escalate: 'Print a greeting', callId: 'call_accepted', extraArgs: { yield_time_ms: SLOW_MACHINE_YIELD_MS } }), message('Ran it.'));
    const thread = await firstValueFrom(e2e.codex.threadStart());
    const seen: Array<{ method: string; threadId?: string; turnId?: string }> = [];

    const result = await lastValueFrom(
      thread.run('greet', {
        approvalHandler: (request, context) => {
          seen.push({ method: request.method, threadId: context.threadId, turnId: context.turnId });
          return Promise.resolve({ decision: 'accept' });
        },
      }),
    );

    expect(seen).toEqual([{ method: 'item/commandExecution/requestApproval', threadId: thread.id, turnId: result.id }]);
    const exec = result.items.find((i) => i.type === 'commandExecution');
    expect(exec).toMatchObject({ id: 'call_accepted', status: 'completed', exitCode: 0, aggregatedOutput: 'hello-from-exec\n' });
    expect(result.finalResponse).toBe('Ran it.');
  });

  it('models() and account() answer', async () => {
    const models = await firstValueFrom(e2e.codex.models());
    expect(models.nextCursor).toBeNull();
    expect(models.data).toHaveLength(1);
    expect(models.data[0]).toMatchObject({
      id: 'mock-model',
      model: 'mock-model',
      displayName: 'Mock model',
      description: 'Scripted model for tests',
      hidden: false,
      isDefault: true,
    });

    const account = await firstValueFrom(e2e.codex.account());
    expect(account).toEqual({ account: null, userId: null, requiresOpenaiAuth: false, workspaceRouting: null });
  });
});

describe('Codex client closed during a turn', () => {
  let e2e: E2E;

  beforeEach(async () => {
    e2e = await startE2E({
      steps: [message('This never finishes.', { chunks: 3, hang: true }), message('Neither does this.', { chunks: 2, hang: true })],
    });
  });

  afterEach(async () => {
    await e2e.dispose();
  });

  it('turn() and run() error with TransportClosedError, close() resolves, the process is gone, later calls fail at once', async () => {
    const { codex } = e2e;
    const [a, b] = await Promise.all([firstValueFrom(codex.threadStart()), firstValueFrom(codex.threadStart())]);
    const turn = new Recorder(a.turn('hang on'));
    await turn.waitFor((e) => e.method === 'item/completed' && e.params.item.type === 'agentMessage');
    const run = new Recorder(b.run('hang on too'));
    await e2e.model.waitForResponseRequests(2);
    await eventually(() => expect(b.activeTurn).toEqual(expect.any(String)));
    const pid = e2e.transport.pid!;

    const closing = codex.close();

    for (const r of [turn, run]) {
      expect(r.errors).toHaveLength(1);
      expect(TransportClosedError.is(r.errors[0])).toBe(true);
      expect((r.errors[0] as Error).message).toBe('the connection was closed');
      expect(r.completions).toBe(0);
    }
    expect(run.values).toEqual([]);
    expect(turn.values.some((e) => e.method === 'turn/completed')).toBe(false);
    await expect(closing).resolves.toBeUndefined();
    expect(processGone(pid)).toBe(true);
    expect(codex.stats).toEqual(IDLE_STATS);
    expect(a.activeTurn).toBeUndefined();

    // After close: every call errors at once (synchronously, on subscribe).
    for (const call of [codex.models(), codex.threadStart(), codex.threadList(), a.run('again'), a.read(), codex.request('thread/list', {})]) {
      const late = new Recorder<unknown>(call);
      expect(late.errors).toHaveLength(1);
      expect(TransportClosedError.is(late.errors[0])).toBe(true);
      expect(late.values).toEqual([]);
    }
    await expect(codex.close()).resolves.toBeUndefined(); // idempotent
    expect(codex.stats).toEqual(IDLE_STATS);
  });
});
