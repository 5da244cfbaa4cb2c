// The Connection alone (lib/rpc/connection.ts) over a StdioTransport running the REAL
// `codex app-server`, against the scripted Responses-API model.
import { firstValueFrom, Subject } from 'rxjs';
import { StdioTransport, TransportClosedError } from '../../lib/node/index';
import { Connection, type RoutedMessage, type WireRequestHandler as ServerRequestHandler } from '../../lib/rpc/connection';
import type { MessageIds } from '../../lib/protocol/ids';
import type { WireRequest } from '../../lib/rpc/message';
import { PROTOCOL_VERSION } from '../../lib/protocol/tables.generated';
import { message, shellCommand } from '../../lib/testing/index';
import { eventually, IDLE_STATS, processGone, Recorder, recordSends, startModelHome, type SentMessage, type ModelHome } from '../support/e2e';

jest.setTimeout(60_000);

/** exec_command's wait for the command to exit: the maximum (default 10 s is too short on a loaded machine). */
const SLOW_MACHINE_YIELD_MS = 30_000;

const CLIENT_INFO = { name: 'codex_rx_e2e', title: 'codex-rx e2e', version: '0.0.1' };

function textInput(text: string) {
  return [{ type: 'text' as const, text, text_elements: [] }];
}

/** Where a routed message says it belongs. */
function idsOf(m: RoutedMessage): { threadId?: string; turnId?: string } {
  const p = m.params as { threadId?: string; turnId?: string; turn?: { id: string } };
  return { threadId: p.threadId, turnId: p.turnId ?? p.turn?.id };
}

function itemOf(m: RoutedMessage): { type: string; [k: string]: any } {
  return (m.params as { item: { type: string } }).item;
}

/** A turn route: the sink handed to claimTurn, and a Recorder of what reached it. */
function route() {
  const subject = new Subject<RoutedMessage>();
  const recorder = new Recorder(subject);
  return { sink: { next: (m: RoutedMessage) => subject.next(m), error: (e: unknown) => subject.error(e) }, recorder };
}

function startConnection(mh: ModelHome, serverRequestHandler?: ServerRequestHandler) {
  const transport = new StdioTransport({ env: mh.home.env, cwd: mh.home.workspace });
  const sent = recordSends(transport);
  let stderr = '';
  transport.stderr$.subscribe((text) => (stderr += text));
  const connection = new Connection(transport, { clientInfo: CLIENT_INFO, serverRequestHandler });
  return { transport, sent, connection, stderr: () => stderr };
}

/** thread/start, then claimTurn → turn/start → bind, as turnStream does it. */
async function startTurn(connection: Connection, cwd: string, text: string) {
  const { thread } = await firstValueFrom(connection.request('thread/start', { cwd }));
  const r = route();
  const claim = connection.claimTurn(thread.id, r.sink);
  expect(connection.stats).toMatchObject({ claimedThreads: 1, routes: 0 });
  const { turn } = await firstValueFrom(connection.request('turn/start', { threadId: thread.id, input: textInput(text) }));
  expect(turn.status).toBe('inProgress');
  claim.bind(turn.id);
  expect(connection.stats).toMatchObject({ claimedThreads: 0, routes: 1, bufferedMessages: 0 });
  return { thread, turn, routed: r.recorder, sink: r.sink };
}

describe('Connection over StdioTransport against the real app-server', () => {
  let mh: ModelHome;
  let transport: StdioTransport;
  let sent: SentMessage[];
  let connection: Connection;
  let pid: number | undefined;
  const handled: Array<{ request: WireRequest; ids: MessageIds }> = [];
  /** How the handler answers; by default asynchronously, with an acceptance. */
  let answer: (request: WireRequest) => unknown;
  const acceptLater = () => new Promise((resolve) => setTimeout(() => resolve({ decision: 'accept' }), 20));

  beforeAll(async () => {
    mh = await startModelHome({ home: { approvalPolicy: 'on-request' } });
    ({ transport, sent, connection } = startConnection(mh, (request, ids) => {
      handled.push({ request, ids });
      return answer(request);
    }));
  });

  beforeEach(() => {
    mh.model.reset();
    handled.length = 0;
    answer = acceptLater;
  });

  afterEach(async () => {
    await eventually(() => expect(connection.stats).toEqual(IDLE_STATS));
    expect(mh.model.pending).toBe(0);
  });

  afterAll(async () => {
    pid = transport.pid;
    await connection.close();
    if (pid !== undefined) expect(processGone(pid)).toBe(true);
    await mh.dispose();
  });

  it(`handshakes once: initialize then initialized, and reports the server (codex ${PROTOCOL_VERSION}, the pin)`, async () => {
    const init = await firstValueFrom(connection.connect());

    expect(init.userAgent).toMatch(new RegExp(`^codex_rx_e2e/${PROTOCOL_VERSION.replace(/\./g, '\\.')} `));
    expect(init.codexHome).toBe(mh.home.dir);
    expect(connection.state).toBe('ready');
    expect(connection.metadata).toBe(init);
    expect(await firstValueFrom(connection.connect())).toBe(init); // shared, not redone
    expect(sent.slice(0, 2)).toEqual([
      { id: 1, method: 'initialize', params: { clientInfo: CLIENT_INFO, capabilities: { experimentalApi: true, requestAttestation: false } } },
      { method: 'initialized' },
    ]);
    expect(sent.filter((m) => m.method === 'initialize' || m.method === 'initialized')).toHaveLength(2);
  });

  it('thread/start, then turn/start with claimTurn/bind routes the whole turn, in order, to its sink', async () => {
    const text = 'Hello over the wire.';
    mh.model.enqueue(message(text, { chunks: 3 }));
    const all = new Recorder(connection.notifications$);

    const { thread, turn, routed, sink } = await startTurn(connection, mh.home.workspace, 'hi');
    expect(thread.cwd).toBe(mh.home.workspace);
    expect(thread.turns).toEqual([]);
    const completed = await routed.waitFor((m) => m.method === 'turn/completed');
    connection.releaseTurn(turn.id, sink);
    all.unsubscribe();

    expect(routed.values.map((m) => m.method)).toEqual([
      'turn/started',
      'item/started',
      'item/completed',
      'item/started',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/agentMessage/delta',
      'item/completed',
      'thread/tokenUsage/updated',
      'turn/completed',
    ]);
    const items = routed.values.filter((m) => m.method.startsWith('item/') && m.method.endsWith('ed')).map(itemOf);
    expect(items.map((i) => i.type)).toEqual(['userMessage', 'userMessage', 'agentMessage', 'agentMessage']);
    expect(items[1].content).toEqual(textInput('hi'));
    expect(items[3].text).toBe(text);
    const deltas = routed.values.filter((m) => m.method === 'item/agentMessage/delta').map((m) => (m.params as { delta: string }).delta);
    expect(deltas.join('')).toBe(text);
    expect((completed.params as any).turn).toMatchObject({ id: turn.id, status: 'completed', error: null });
    for (const m of routed.values) expect(idsOf(m)).toEqual({ threadId: thread.id, turnId: turn.id });

    // The hot stream saw every routed message (the very same objects), and more.
    for (const m of routed.values) expect(all.values).toContain(m);
    expect(all.values).toContainEqual(expect.objectContaining({ method: 'thread/status/changed', params: expect.objectContaining({ threadId: thread.id }) }));
    expect(routed.values.some((m) => m.method === 'thread/status/changed')).toBe(false);
    expect(routed.completions + routed.errors.length).toBe(0); // a sink is never completed by the connection
  });

  it('hands an approval request to serverRequestHandler, sends its answer, and routes request and resolution to the turn', async () => {
    mh.model.enqueue(shellCommand('echo hello-from-exec', { escalate: 'Print a greeting', callId: 'call_exec', extraArgs: { yield_time_ms: SLOW_MACHINE_YIELD_MS } }), message('Ran it.'));

    const { thread, turn, routed, sink } = await startTurn(connection, mh.home.workspace, 'run it');
    const completed = await routed.waitFor((m) => m.method === 'turn/completed');
    connection.releaseTurn(turn.id, sink);

    expect(handled).toHaveLength(1);
    const [{ request, ids }] = handled;
    expect(request.method).toBe('item/commandExecution/requestApproval');
    expect(request.params).toEqual(
      expect.objectContaining({ threadId: thread.id, turnId: turn.id, itemId: 'call_exec', reason: 'Print a greeting', cwd: mh.home.workspace }),
    );
    expect((request.params as { command: string }).command).toContain('echo hello-from-exec');
    expect(ids).toEqual({ threadId: thread.id, turnId: turn.id });
    expect(sent.filter((m) => m.id === request.id && m.method === undefined)).toEqual([{ id: request.id, result: { decision: 'accept' } }]);

    // The turn's stream showed the request itself, then serverRequest/resolved (which has no turnId).
    const asked = routed.values.indexOf(request);
    const resolved = routed.values.findIndex((m) => m.method === 'serverRequest/resolved');
    expect(asked).toBeGreaterThan(0);
    expect(resolved).toBeGreaterThan(asked);
    expect(routed.values[resolved].params).toEqual({ threadId: thread.id, requestId: request.id });

    const exec = routed.values.filter((m) => m.method === 'item/completed').map(itemOf).find((i) => i.type === 'commandExecution')!;
    expect(exec).toMatchObject({ id: 'call_exec', status: 'completed', exitCode: 0, aggregatedOutput: 'hello-from-exec\n' });
    expect((completed.params as any).turn.status).toBe('completed');

    // The command's output went back to the model.
    expect(mh.model.responseRequests).toHaveLength(2);
    const output = mh.model.responseRequests[1].body.input.find((i: { type: string; call_id?: string }) => i.type === 'function_call_output' && i.call_id === 'call_exec');
    expect(output.output).toContain('hello-from-exec');
  });

  it('counts a server request as pending until its handler answers, and sends the answer once it does', async () => {
    let release!: (result: unknown) => void;
    answer = () => new Promise((resolve) => (release = resolve));
    mh.model.enqueue(shellCommand('echo held', { escalate: 'Hold the answer', callId: 'call_held' }), message('Ok.'));

    const { turn, routed, sink } = await startTurn(connection, mh.home.workspace, 'hold');
    const request = await routed.waitFor((m) => m.method === 'item/commandExecution/requestApproval');
    expect(connection.stats.pendingServerRequests).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sent.some((m) => (m as { id?: unknown }).id === (request as WireRequest).id && m.method === undefined)).toBe(false);
    expect(routed.values.some((m) => m.method === 'serverRequest/resolved')).toBe(false);

    release({ decision: 'decline' });
    const completed = await routed.waitFor((m) => m.method === 'turn/completed');
    connection.releaseTurn(turn.id, sink);

    expect(handled).toHaveLength(1);
    expect(sent.filter((m) => m.id === (request as WireRequest).id && m.method === undefined)).toEqual([
      { id: (request as WireRequest).id, result: { decision: 'decline' } },
    ]);
    const exec = routed.values.filter((m) => m.method === 'item/completed').map(itemOf).find((i) => i.type === 'commandExecution')!;
    expect(exec).toMatchObject({ id: 'call_held', status: 'declined' });
    expect((completed.params as any).turn.status).toBe('completed');
  });
});

describe('Connection when the app-server process dies mid-turn', () => {
  let mh: ModelHome;
  let connection: Connection | undefined;

  beforeEach(async () => {
    mh = await startModelHome({ steps: [message('This answer never finishes.', { chunks: 3, hang: true })] });
  });

  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await mh.dispose();
  });

  /** Starts the hanging turn and waits for its first agent message: what the death or the close then hits. */
  async function midTurn(started: ReturnType<typeof startConnection>) {
    const notifications = new Recorder(started.connection.notifications$);
    const { thread, routed } = await startTurn(started.connection, mh.home.workspace, 'hang');
    await routed.waitFor((m) => m.method === 'item/completed' && itemOf(m).type === 'agentMessage');
    return { notifications, thread, routed, pid: started.transport.pid! };
  }

  it('SIGKILL: every pending request and the turn route error at once with the same TransportClosedError (signal, stderr tail)', async () => {
    const started = startConnection(mh);
    connection = started.connection;
    const { notifications, thread, routed, pid } = await midTurn(started);

    // Freeze the server so that requests sent now are certainly still pending when it dies.
    process.kill(pid, 'SIGSTOP');
    const pending = [
      new Recorder(connection.request('thread/read', { threadId: thread.id, includeTurns: false })),
      new Recorder(connection.request('model/list', {})),
      new Recorder(connection.request('thread/list', {})),
    ];
    expect(connection.stats.pendingRequests).toBe(3);
    process.kill(pid, 'SIGKILL');

    await Promise.all([...pending, routed, notifications].map((r) => r.whenEnded(5000)));
    // One failure for all: the same error object, from the one place that fails everything at once.
    expect(new Set([...pending, routed].map((r) => r.errors[0])).size).toBe(1);

    const error = routed.errors[0] as TransportClosedError;
    expect(TransportClosedError.is(error)).toBe(true);
    expect(error.signal).toBe('SIGKILL');
    expect(error.exitCode).toBeNull();
    expect(started.stderr().length).toBeGreaterThan(0);
    expect(error.stderrTail).toBe(started.stderr());
    expect(error.message).toBe(`codex app-server was killed by SIGKILL\n--- app-server stderr (tail) ---\n${started.stderr().trim()}`);
    for (const r of pending) expect(r.values).toEqual([]);
    for (const r of [...pending, routed, notifications]) {
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toBe(error);
      expect(r.completions).toBe(0);
    }

    expect(connection.state).toBe('closed');
    expect(processGone(pid)).toBe(true);
    expect(connection.stats).toEqual(IDLE_STATS);

    // Afterwards: requests fail at once with the same error, claims are refused, close() resolves.
    const late = new Recorder(connection.request('model/list', {}));
    expect(late.errors).toEqual([error]);
    expect(() => connection!.claimTurn(thread.id, { next: () => undefined, error: () => undefined })).toThrow(error);
    await connection.close();
  });

  it('close() during a turn: route and pending request error with TransportClosedError, close() resolves, no child is left', async () => {
    const started = startConnection(mh);
    connection = started.connection;
    const { notifications, thread, routed, pid } = await midTurn(started);
    const pending = new Recorder(connection.request('thread/read', { threadId: thread.id, includeTurns: false }));
    expect(connection.stats.pendingRequests).toBe(1);

    const closing = connection.close();

    // Synchronously: everything in flight has failed, the hot stream has completed.
    const error = routed.errors[0] as TransportClosedError;
    expect(TransportClosedError.is(error)).toBe(true);
    expect(error.message).toBe('the connection was closed');
    expect(error.signal).toBeNull();
    expect(error.exitCode).toBeNull();
    expect(pending.errors).toEqual([error]);
    expect(pending.values).toEqual([]);
    expect(notifications.completions).toBe(1);
    expect(notifications.errors).toEqual([]);
    expect(connection.state).toBe('closed');
    expect(connection.stats).toEqual(IDLE_STATS);
    expect(connection.close()).toBe(closing); // idempotent

    const closeStarted = Date.now();
    await closing;
    // The app-server exits on stdin EOF even mid-turn: no SIGTERM escalation (after 2 s) needed.
    expect(Date.now() - closeStarted).toBeLessThan(2000);
    expect(processGone(pid)).toBe(true);
    const late = new Recorder(connection.request('thread/list', {}));
    expect(late.errors).toEqual([error]);
  });
});
