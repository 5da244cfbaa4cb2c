// The REAL `codex app-server` listening on ws://127.0.0.1 (started by startAppServer) and on a
// unix socket, against the scripted model: codex-rx clients over WebSocketTransport.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { filter, firstValueFrom, lastValueFrom, tap, toArray, type Observable } from 'rxjs';
import { agentText, Answers, ApprovalMode, AuthenticationError, Codex, TransportClosedError, type CodexUrlConfig, type Thread, type TurnNotification } from '../../lib/node/index';
import { resolveCodexBinary, startAppServer, type RunningAppServer } from '../../lib/node/index';
import { message, shellCommand, type RecordedRequest, type ScriptedStep } from '../../lib/testing/node/index';
import { ObservableStream } from '../support/observable-stream';
import { conversation, eventually, processGone, startModelHome, type ModelHome } from '../support/e2e';

jest.setTimeout(90_000);

/** The last user text of a model request: which conversation it belongs to. */
function lastUserText(request: RecordedRequest): string {
  const c = conversation(request.body as never);
  return [...c].reverse().find((m) => m.role === 'user')?.text ?? '';
}

/** The scripted model answers each prompt by what it says, so concurrent clients get their own steps. */
function byPrompt(steps: Record<string, ScriptedStep[]>): (request: RecordedRequest) => ScriptedStep | undefined {
  const served = new Map<string, number>();
  return (request) => {
    const text = lastUserText(request);
    const key = Object.keys(steps).find((k) => text.includes(k));
    if (!key) return undefined;
    const n = served.get(key) ?? 0;
    served.set(key, n + 1);
    return steps[key][Math.min(n, steps[key].length - 1)];
  };
}

/** Subscribes now; resolves with the error the stream ends with (values are skipped), rejects if it completes. */
function endingError(source: Observable<unknown>): Promise<unknown> {
  return new Promise((resolve, reject) => source.subscribe({ error: resolve, complete: () => reject(new Error('completed instead of erroring')) }));
}

const turnOf = (thread: Thread, input: string, options?: Parameters<Thread['turn']>[1]) => lastValueFrom(thread.turn(input, options).pipe(toArray()));
const statusOf = (events: TurnNotification[]) => {
  const last = events[events.length - 1];
  return last?.method === 'turn/completed' ? last.params.turn.status : undefined;
};

describe('Codex over ws:// with a capability token (startAppServer)', () => {
  let env: ModelHome;
  let server: RunningAppServer & { token: string };
  const clients: Codex[] = [];
  const client = (config: Partial<CodexUrlConfig> = {}) => {
    const c = new Codex({ url: server.url, token: server.token, ...config });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    env = await startModelHome({ home: { approvalPolicy: 'on-request' } });
    server = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    env.model.respond = undefined;
    env.model.reset();
  });
  afterAll(async () => {
    await server?.close();
    await env?.dispose();
  });

  it('startAppServer: a loopback url, a private 0600 token file while it runs, nothing left after close()', () => {
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(server.token.length).toBeGreaterThanOrEqual(32);
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
    const file = cmdline[cmdline.indexOf('--ws-token-file') + 1];
    expect(readFileSync(file, 'utf8')).toBe(server.token);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    expect(cmdline).toEqual(expect.arrayContaining(['app-server', '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token']));
  });

  it('handshake and a streamed turn', async () => {
    env.model.enqueue(message('Hello over a socket'));
    const codex = client();
    const init = await firstValueFrom(codex.connect());
    expect(init.userAgent).toMatch(/^codex_rx\//);
    const thread = await firstValueFrom(codex.threadStart());
    const events = await turnOf(thread, 'say hello');
    expect(events.some((e) => e.method === 'item/agentMessage/delta')).toBe(true);
    expect(statusOf(events)).toBe('completed');
    expect(await lastValueFrom(thread.turn('again').pipe(agentText()))).toBe('Done.');
  });

  it('an approval is answered by the client handler (the command runs)', async () => {
    const file = path.join(env.home.workspace, 'over-ws.txt');
    env.model.enqueue(shellCommand(`touch ${file}`, { escalate: 'create the file' }), message('Done.'));
    const asked: string[] = [];
    const codex = client({ approvalHandler: (request) => (asked.push(request.method), Answers.accept()) });
    const thread = await firstValueFrom(codex.threadStart({ approvalMode: ApprovalMode.ask }));
    const events = await turnOf(thread, 'touch it');
    expect(asked).toEqual(['item/commandExecution/requestApproval']);
    expect(statusOf(events)).toBe('completed');
    expect(existsSync(file)).toBe(true);
  });

  it('interrupt: unsubscribing mid-turn sends turn/interrupt and the thread goes on', async () => {
    env.model.enqueue(message('thinking…', { hang: true }), message('after the interrupt'));
    const codex = client();
    const thread = await firstValueFrom(codex.threadStart());
    const events: TurnNotification[] = [];
    const running = thread.turn('hang').subscribe((e) => events.push(e));
    await eventually(() => expect(events.some((e) => e.method === 'item/agentMessage/delta')).toBe(true), 20_000);
    const completed = firstValueFrom(codex.notifications$.pipe(filter((n) => n.method === 'turn/completed')));
    running.unsubscribe();
    const done = await completed;
    expect(done.method === 'turn/completed' && done.params.turn.status).toBe('interrupted');
    expect(await lastValueFrom(thread.run('again'))).toMatchObject({ status: 'completed', finalResponse: 'after the interrupt' });
  });

  it('two clients on one server: each gets only its own answers and its own thread events', async () => {
    env.model.respond = byPrompt({ 'from A': [message('answer for A')], 'from B': [message('answer for B')] });
    const a = client({ clientName: 'client_a' });
    const b = client({ clientName: 'client_b' });
    const [ta, tb] = await Promise.all([firstValueFrom(a.threadStart()), firstValueFrom(b.threadStart())]);
    const seenByA: Array<{ method: string; threadId: string }> = [];
    const sub = a.notifications$.subscribe((n) => {
      const threadId = (n.params as { threadId?: string } | undefined)?.threadId;
      if (threadId) seenByA.push({ method: n.method, threadId });
    });
    const [ra, rb] = await Promise.all([lastValueFrom(ta.run('hello from A')), lastValueFrom(tb.run('hello from B'))]);
    sub.unsubscribe();
    expect(ra.finalResponse).toBe('answer for A');
    expect(rb.finalResponse).toBe('answer for B');
    expect(seenByA.length).toBeGreaterThan(0);
    // Turn and item events go only to the connection subscribed to the thread.
    expect(seenByA.filter((n) => n.threadId !== ta.id && /^(turn|item)\//.test(n.method))).toEqual([]);
    expect(seenByA.filter((n) => n.threadId === ta.id && n.method === 'turn/completed')).toHaveLength(1);
    expect(a.stats).toMatchObject({ pendingRequests: 0 });
  });

  it('a wrong token fails within a bound with AuthenticationError that contains no token', async () => {
    const wrong = 'definitely-not-the-token-0123456789';
    const codex = client({ token: wrong });
    const started = Date.now();
    const error = await new ObservableStream(codex.connect()).takeError(10_000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(AuthenticationError.is(error)).toBe(true);
    expect((error as AuthenticationError).httpStatus).toBe(401);
    const text = JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack });
    expect(text).not.toContain(wrong);
    expect(text).not.toContain(server.token);
    // The client is not poisoned for the right token: a new client connects.
    await firstValueFrom(client().connect());
  });
});

describe('a server killed mid-turn', () => {
  it('errors every in-flight Observable within a bound; close() leaves no process and no token file', async () => {
    const env = await startModelHome({ steps: [message('working…', { hang: true })] });
    const server = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
    const cmdline = readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
    const tokenFile = cmdline[cmdline.indexOf('--ws-token-file') + 1];
    const codex = new Codex({ url: server.url, token: server.token });
    try {
      const thread = await firstValueFrom(codex.threadStart());
      const seen: unknown[] = [];
      const turn = endingError(thread.turn('hang').pipe(tap((e) => seen.push(e))));
      const notifications = endingError(codex.notifications$);
      await eventually(() => expect(seen.some((e) => (e as { method: string }).method === 'item/agentMessage/delta')).toBe(true), 20_000);
      process.kill(server.pid, 'SIGKILL');
      const started = Date.now();
      const errors = await Promise.all([turn, notifications]);
      expect(Date.now() - started).toBeLessThan(5000);
      for (const e of errors) expect(TransportClosedError.is(e)).toBe(true);
      expect((errors[0] as TransportClosedError).closeCode).toBe(1006);
    } finally {
      await codex.close();
      await server.close();
      await env.dispose();
    }
    expect(processGone(server.pid)).toBe(true);
    expect(existsSync(tokenFile)).toBe(false);
  });
});

describe('Codex over ws:// with signed bearer tokens (HS256 JWT)', () => {
  const secret = 'a-shared-secret-of-at-least-32-bytes-0123456789';
  let env: ModelHome;
  let server: RunningAppServer;
  beforeAll(async () => {
    env = await startModelHome({ steps: [message('signed hello')] });
    server = await startAppServer({ env: env.home.env, cwd: env.home.workspace, auth: { signedBearerToken: { sharedSecret: secret, issuer: 'codex-rx-tests', audience: 'app-server' } } });
  });
  afterAll(async () => {
    await server?.close();
    await env?.dispose();
  });

  it('connects and runs a turn with a freshly minted token', async () => {
    expect(server.token).toBeUndefined();
    const codex = new Codex({ url: server.url, signedBearerToken: { sharedSecret: secret, issuer: 'codex-rx-tests', audience: 'app-server' } });
    try {
      const thread = await firstValueFrom(codex.threadStart());
      expect(await lastValueFrom(thread.run('hi'))).toMatchObject({ finalResponse: 'signed hello' });
    } finally {
      await codex.close();
    }
  });

  it.each([
    ['a wrong secret', { sharedSecret: 'another-secret-of-at-least-32-bytes-9876543210', issuer: 'codex-rx-tests', audience: 'app-server' }],
    ['a wrong audience', { sharedSecret: secret, issuer: 'codex-rx-tests', audience: 'someone-else' }],
    ['a wrong issuer', { sharedSecret: secret, issuer: 'mallory', audience: 'app-server' }],
  ])('%s fails within a bound with AuthenticationError that contains no secret', async (_name, signed) => {
    const codex = new Codex({ url: server.url, signedBearerToken: signed });
    try {
      const started = Date.now();
      const error = await new ObservableStream(codex.connect()).takeError(10_000);
      expect(Date.now() - started).toBeLessThan(5000);
      expect(AuthenticationError.is(error)).toBe(true);
      const text = JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack });
      expect(text).not.toContain(signed.sharedSecret);
      expect(text).not.toContain(secret);
      expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\./); // no JWT either
    } finally {
      await codex.close();
    }
  });

  it('a secret shorter than 32 bytes is refused before anything is sent', () => {
    expect(() => new Codex({ url: server.url, signedBearerToken: { sharedSecret: 'short' } })).toThrow(/at least 32 bytes/);
  });
});

describe('Codex over a unix socket', () => {
  it.each(['unix:///abs/path.sock', 'unix:// (the local daemon socket under $CODEX_HOME)'])('%s: handshake and a turn', async (form) => {
    const env = await startModelHome({ steps: [message('hello over unix')] });
    const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-uds-'));
    const daemon = form.startsWith('unix:// ');
    const socketPath = daemon ? path.join(env.home.dir, 'app-server-control', 'app-server-control.sock') : path.join(dir, 'app.sock');
    const binary = resolveCodexBinary();
    const child = spawn(binary.path, ['app-server', '--listen', daemon ? 'unix://' : `unix://${socketPath}`], {
      env: { ...process.env, ...env.home.env, PATH: [binary.extraPath, process.env.PATH].filter(Boolean).join(path.delimiter) },
      cwd: env.home.workspace,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const savedHome = process.env.CODEX_HOME;
    if (daemon) process.env.CODEX_HOME = env.home.dir;
    const codex = new Codex({ url: daemon ? 'unix://' : `unix://${socketPath}` });
    try {
      await eventually(() => expect(existsSync(socketPath)).toBe(true), 20_000).catch((e) => {
        throw new Error(`${(e as Error).message}\n${stderr}`);
      });
      const thread = await firstValueFrom(codex.threadStart());
      expect(await lastValueFrom(thread.run('hi'))).toMatchObject({ finalResponse: 'hello over unix' });
    } finally {
      if (daemon) {
        if (savedHome === undefined) delete process.env.CODEX_HOME;
        else process.env.CODEX_HOME = savedHome;
      }
      await codex.close();
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
      await env.dispose();
    }
  });
});

describe('reconnect: true across a server restart', () => {
  it('the same Thread continues with its history on the new server (thread/resume); the call made while it was down fails typed', async () => {
    const env = await startModelHome({ steps: [message('first answer'), message('second answer')] });
    let server = await startAppServer({ env: env.home.env, cwd: env.home.workspace });
    const port = Number(new URL(server.url).port);
    const codex = new Codex({ url: server.url, token: server.token, reconnect: { initialDelayMs: 100, maxDelayMs: 500 } });
    try {
      const thread = await firstValueFrom(codex.threadStart());
      expect(await lastValueFrom(thread.run('remember the word TANGERINE'))).toMatchObject({ finalResponse: 'first answer' });
      const generation = (codex as unknown as { connection: { generation: number } }).connection.generation;
      await server.close();

      // While the server is down: a typed error, and the client is not poisoned.
      const down = await new ObservableStream(thread.run('are you there?')).takeError(10_000);
      expect(TransportClosedError.is(down)).toBe(true);

      server = await startAppServer({ env: env.home.env, cwd: env.home.workspace, port, token: server.token });
      const result = await lastValueFrom(thread.run('what was the word?'));
      expect(result.finalResponse).toBe('second answer');
      expect((codex as unknown as { connection: { generation: number } }).connection.generation).toBeGreaterThan(generation);
      const last = env.model.responseRequests[env.model.responseRequests.length - 1];
      const texts = conversation(last.body as never).map((m) => m.text);
      expect(texts).toEqual(expect.arrayContaining(['remember the word TANGERINE', 'first answer', 'what was the word?']));
    } finally {
      await codex.close();
      await server.close();
      await env.dispose();
    }
  });
});
