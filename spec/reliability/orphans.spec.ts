/**
 * No orphans, with real processes: a parent node process (spec/reliability/orphan-parent.ts, run
 * with `node --import tsx`) builds a Codex over the REAL `codex app-server` (scripted model and
 * temp CODEX_HOME in the same process), connects, runs a turn, prints the child's pid, and then
 * exits / is signalled / drops the Codex. The child must be gone within a few seconds, and a
 * dropped idle Codex must let its parent exit by itself. Then close() during a handshake, during
 * a turn and twice in a row, in this process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { firstValueFrom, lastValueFrom, Observable, tap } from 'rxjs';
import { Codex } from '../../lib/node/index.js';
import { TransportClosedError } from '../../lib/errors.js';
import { Connection } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { StdioTransport } from '../../lib/transport/stdio-transport.js';
import { createCodexHome, message, ScriptedModelServer, type CodexHome } from '../../lib/testing/node/index.js';
import { fakeCodexBin } from '../support/fake-app-server-harness.js';
import { ObservableStream } from '../support/observable-stream.js';
import { eventually, processGone, trackUnhandled, waitGone, ZERO_STATS } from './support.js';
import { clientInfo } from '../rpc/support.js';

// Parents compile TypeScript on start: generous bounds for a loaded machine.
jest.setTimeout(120_000);

const ROOT = path.join(__dirname, '..', '..');
const PARENT = path.join(__dirname, 'orphan-parent.ts');
/** How long a child may outlive its parent. */
const CHILD_GONE_MS = 5000;

interface Parent {
  proc: ChildProcess;
  childPid: number;
  homeDir?: string;
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startParent(server: 'real' | 'fake', mode: string, fakeBin: string): Promise<Parent> {
  const proc = spawn(process.execPath, ['--import', 'tsx', PARENT, server, mode, fakeBin], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  let stderr = '';
  proc.stderr!.on('data', (d) => (stderr += d));
  return new Promise<Parent>((resolve, reject) => {
    let buffer = '';
    proc.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        output.push(line);
        if (line === 'DONE') {
          const childPid = Number(output.find((l) => l.startsWith('CHILD_PID='))!.slice('CHILD_PID='.length));
          const homeDir = output.find((l) => l.startsWith('HOME_DIR='))?.slice('HOME_DIR='.length);
          resolve({ proc, childPid, homeDir, output, exited });
        }
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`parent ended before DONE (code ${code}, signal ${signal}): ${stderr}`)));
  });
}

/** Resolves with how the parent ended; fails when it does not end by itself within `ms`. */
async function endsWithin(parent: Parent, ms: number) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the parent did not exit within ${ms} ms (output: ${parent.output.join(' | ')})`)), ms);
  });
  try {
    return await Promise.race([parent.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe('reliability: no orphan app-server processes', () => {
  let fake: { bin: string; dispose(): void };
  const parents: Parent[] = [];

  beforeAll(() => {
    fake = fakeCodexBin();
  });
  afterEach(() => {
    for (const p of parents.splice(0)) {
      if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill('SIGKILL');
      if (!processGone(p.childPid)) process.kill(p.childPid, 'SIGKILL');
      if (p.homeDir) rmSync(path.dirname(p.homeDir), { recursive: true, force: true });
    }
  });
  afterAll(() => fake.dispose());

  async function parent(server: 'real' | 'fake', mode: string): Promise<Parent> {
    const p = await startParent(server, mode, fake.bin);
    parents.push(p);
    expect(processGone(p.childPid)).toBe(false);
    const stats = JSON.parse(p.output.find((l) => l.startsWith('STATS='))!.slice('STATS='.length)) as Record<string, number>;
    if (mode === 'mid-turn') expect(stats).toMatchObject({ pendingRequests: 0, routes: 1 }); // the turn is running
    else expect(stats).toEqual(ZERO_STATS);
    return p;
  }

  describe.each(['real', 'fake'] as const)('the %s app-server', (server) => {
    it('(a) the parent exits normally with the Codex open → the child is killed by the exit hook', async () => {
      const p = await parent(server, 'exit');
      expect(await endsWithin(p, 30_000)).toEqual({ code: 0, signal: null });
      await waitGone(p.childPid, CHILD_GONE_MS);
    });

    it.each(['SIGTERM', 'SIGINT'] as const)('(b/c) the parent gets %s (no handler: no exit hook runs) → the child sees its stdin end and exits', async (signal) => {
      const p = await parent(server, 'wait');
      p.proc.kill(signal);
      expect(await endsWithin(p, 30_000)).toEqual({ code: null, signal });
      await waitGone(p.childPid, CHILD_GONE_MS);
    });

    it('(d) the parent drops an idle Codex without close() → the parent exits by itself, the child goes', async () => {
      const p = await parent(server, 'drop');
      expect(await endsWithin(p, 30_000)).toEqual({ code: 0, signal: null });
      await waitGone(p.childPid, CHILD_GONE_MS);
    });
  });

  it('the real app-server mid-turn: the parent gets SIGTERM → the child exits', async () => {
    const p = await parent('real', 'mid-turn');
    p.proc.kill('SIGTERM');
    await endsWithin(p, 30_000);
    await waitGone(p.childPid, CHILD_GONE_MS);
  });

  it('a subscriber of notifications$ keeps the parent alive; once it unsubscribes the parent exits', async () => {
    const p = await parent('fake', 'listen');
    expect(await endsWithin(p, 30_000)).toEqual({ code: 0, signal: null });
    expect(p.output).toContain('UNSUBSCRIBED');
    await waitGone(p.childPid, CHILD_GONE_MS);
  });
});

describe('reliability: keep-alive follows what is in flight', () => {
  function setup() {
    const transport = new InMemoryTransport({ initializeResponse: null });
    const connection = new Connection(transport, { clientInfo });
    return { transport, connection };
  }

  it('is on during the handshake and while a request, a turn, a notifications$ subscriber, a server request or a keepAlive() source is live; off when idle', async () => {
    const { transport, connection } = setup();
    const ready = new ObservableStream(connection.connect());
    expect(connection.keepsProcessAlive).toBe(true); // handshake in flight
    transport.respond(transport.sent[0].id!, { userAgent: 'codex_cli_rs/0.169.0', codexHome: '/', platformFamily: 'unix', platformOs: 'linux' });
    await ready.takeNext();
    expect(connection.keepsProcessAlive).toBe(false);
    expect(transport.keepingAlive).toBe(false);

    // A request
    const request = new ObservableStream(connection.request('model/list', {}));
    expect(transport.keepingAlive).toBe(true);
    transport.respond(transport.sent[transport.sent.length - 1].id!, { data: [] });
    await request.takeNext();
    expect(transport.keepingAlive).toBe(false);

    // A listener
    const sub = connection.notifications$.subscribe();
    expect(transport.keepingAlive).toBe(true);
    sub.unsubscribe();
    expect(transport.keepingAlive).toBe(false);

    // A turn claim, then its route
    const claim = connection.claimTurn('thr', { next: () => undefined, error: () => undefined });
    expect(transport.keepingAlive).toBe(true);
    claim.bind('turn');
    expect(transport.keepingAlive).toBe(true);
    connection.releaseTurn('turn');
    expect(transport.keepingAlive).toBe(false);

    // A server request whose handler has not answered yet
    const withHandler = new Connection(new InMemoryTransport(), {
      clientInfo,
      serverRequestHandler: () => new Observable<never>(),
    });
    await firstValueFrom(withHandler.connect());
    expect(withHandler.keepsProcessAlive).toBe(false);
    const inner = (withHandler as unknown as { transport: InMemoryTransport }).transport;
    inner.emit({ id: 'srv-1', method: 'item/tool/call', params: {} });
    expect(withHandler.keepsProcessAlive).toBe(true);
    await withHandler.close();
    expect(withHandler.keepsProcessAlive).toBe(false);

    // A source piped through keepAlive()
    const held = connection.notifications$.pipe(connection.keepAlive()).subscribe();
    expect(transport.keepingAlive).toBe(true);
    held.unsubscribe();
    expect(transport.keepingAlive).toBe(false);
    expect(connection.stats).toEqual(ZERO_STATS);
  });

  it('a Codex login handle keeps the process alive while waiting on completed$', async () => {
    const transport = new InMemoryTransport();
    transport.onRequest('account/login/start', () => ({ type: 'chatgpt', loginId: 'l1', authUrl: 'https://example.invalid' }));
    const codex = new Codex({ transport });
    const handle = await firstValueFrom(codex.loginChatgpt());
    expect(transport.keepingAlive).toBe(false);
    const done = new ObservableStream(handle.completed$);
    expect(transport.keepingAlive).toBe(true);
    transport.notify('account/login/completed', { loginId: 'l1', success: true, error: null });
    await done.takeNext();
    expect(transport.keepingAlive).toBe(false);
    await codex.close();
  });
});

describe('reliability: close() with the real app-server', () => {
  let model: ScriptedModelServer;
  let home: CodexHome;
  const unhandled = trackUnhandled();

  beforeAll(async () => {
    model = await ScriptedModelServer.start();
    home = await createCodexHome({ modelServerUrl: model.url });
  });
  afterAll(async () => {
    await model.close();
    await home.dispose();
  });
  beforeEach(() => unhandled.start());
  afterEach(async () => {
    await unhandled.stop();
    expect(unhandled.errors).toEqual([]);
  });

  function client() {
    const transport = new StdioTransport({ env: home.env, cwd: home.workspace, closeGraceMs: 1000 });
    return { transport, codex: new Codex({ transport }) };
  }

  it('during the handshake: connect() fails with TransportClosedError, the process is gone', async () => {
    const { transport, codex } = client();
    const connect = new ObservableStream(codex.connect());
    const pid = transport.pid!;
    expect(pid).toEqual(expect.any(Number));
    await codex.close();
    const e = await connect.takeError(5000);
    expect(TransportClosedError.is(e)).toBe(true);
    await waitGone(pid, CHILD_GONE_MS);
    expect(codex.stats).toEqual(ZERO_STATS);
  });

  it('during a turn: the turn fails with TransportClosedError, the process is gone', async () => {
    model.enqueue(message('working on it', { hang: true }));
    const { transport, codex } = client();
    const thread = await firstValueFrom(codex.threadStart());
    const events: string[] = [];
    const ended = lastValueFrom(thread.turn('hang').pipe(tap((m) => events.push(m.method)))).then(
      () => 'completed',
      (e: unknown) => e,
    );
    await eventually(() => expect(events).toContain('turn/started'), 30_000);
    const pid = transport.pid!;
    await codex.close();
    const outcome = await Promise.race([ended, new Promise((r) => setTimeout(() => r('still running after 5 s'), 5000))]);
    expect(TransportClosedError.is(outcome)).toBe(true);
    await waitGone(pid, CHILD_GONE_MS);
    expect(codex.stats).toEqual(ZERO_STATS);
  });

  it('twice in a row (and concurrently): both resolve, the process is gone, later calls fail typed', async () => {
    const { transport, codex } = client();
    await firstValueFrom(codex.connect());
    await lastValueFrom(codex.models());
    const pid = transport.pid!;
    await Promise.all([codex.close(), codex.close()]);
    await codex.close();
    await waitGone(pid, CHILD_GONE_MS);
    expect(TransportClosedError.is(await firstValueFrom(codex.models()).catch((e) => e))).toBe(true);
    expect(codex.stats).toEqual(ZERO_STATS);
  });
});
