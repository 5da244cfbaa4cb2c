import { firstValueFrom, lastValueFrom, toArray, type Observable } from 'rxjs';
import { Codex } from '../lib/codex.js';
import { Codex as NodeCodex } from '../lib/node/index.js';
import { SDK_VERSION } from '../lib/codex-config.js';
import { MethodNotFoundError, TransportClosedError, ValidationError } from '../lib/errors.js';
import { imageInput, localImageInput, textInput } from '../lib/inputs.js';
import { ApprovalMode, Sandbox } from '../lib/options.js';
import type { ModelListResponse } from '../lib/protocol/generated/v2/ModelListResponse.js';
import type { ThreadListResponse } from '../lib/protocol/generated/v2/ThreadListResponse.js';
import { PROTOCOL_VERSION } from '../lib/protocol/tables.generated.js';
import { FAKE_INITIALIZE_RESPONSE, InMemoryTransport } from '../lib/transport/in-memory-transport.js';
import { VersionMismatchError } from '../lib/version.js';
import type { Notification } from '../lib/protocol/methods.js';
import { DEFAULT_TURN_REF, FAKE_THREAD_ID, FAKE_TURN_ID, agentMessageDelta, threadInfo, threadStartResponse, turnCompleted, turnStartResponse } from '../lib/testing/index.js';
import { createClient, openThread } from './support/hand-server.js';
import { expectIdle } from './support/expectations.js';
import { ObservableStream } from './support/observable-stream.js';
import { expectType } from './support/type-assert.js';

/** `account/login/completed` (the kit has no builder for it yet). */
const loginCompleted = (loginId: string, success = true): Notification<'account/login/completed'> => ({
  method: 'account/login/completed',
  params: { loginId, success, error: success ? null : 'denied', onboardingEntrypoint: null },
});

/** Subscribes and returns the error the stream fails with (rejects if it emits or completes instead). */
const errorOf = (o: Observable<unknown>) => new ObservableStream(o).takeError();

describe('Codex', () => {
  const clients: Codex[] = [];
  /** createClient, closed after the test. */
  function client(...args: Parameters<typeof createClient>) {
    const c = createClient(...args);
    clients.push(c.codex);
    return c;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  describe('construction and connect()', () => {
    it('does no I/O when constructed (the transport is not started)', () => {
      const { codex, transport } = client();
      expect(transport.started).toBe(false);
      expect(transport.sent).toEqual([]);
      expect(codex.metadata).toBeUndefined();
      // building Observables is not I/O either
      codex.models();
      codex.threadStart();
      codex.connect();
      expect(transport.started).toBe(false);
    });

    it('does not spawn anything when constructed with the stdio transport', async () => {
      const codex = new NodeCodex({ codexBin: '/nonexistent/bin/codex' });
      await expect(codex.close()).resolves.toBeUndefined();
    });

    it('performs one initialize handshake, shared by every caller', async () => {
      const { codex, server } = client();
      const a = new ObservableStream(codex.connect());
      const b = new ObservableStream(codex.connect());
      expect(await a.takeNext()).toEqual(FAKE_INITIALIZE_RESPONSE);
      await a.takeComplete();
      expect(await b.takeNext()).toEqual(FAKE_INITIALIZE_RESPONSE);
      expect(await firstValueFrom(codex.connect())).toEqual(FAKE_INITIALIZE_RESPONSE);
      expect(codex.metadata).toEqual(FAKE_INITIALIZE_RESPONSE);
      codex.models().subscribe({ error: () => undefined });
      expect(server.methods()).toEqual(['initialize', 'initialized', 'model/list']);
      expect(server.paramsOf('initialize')).toEqual([
        { clientInfo: { name: 'codex_rx', title: 'codex-rx', version: SDK_VERSION }, capabilities: { experimentalApi: true, requestAttestation: false } },
      ]);
    });

    it('sends the configured client info and capabilities', () => {
      const { codex, server } = client({ clientName: 'my_app', clientTitle: 'My App', clientVersion: '1.2.3', experimentalApi: false, optOutNotificationMethods: ['item/agentMessage/delta'] });
      codex.connect().subscribe();
      expect(server.paramsOf('initialize')).toEqual([
        {
          clientInfo: { name: 'my_app', title: 'My App', version: '1.2.3' },
          capabilities: { experimentalApi: false, requestAttestation: false, optOutNotificationMethods: ['item/agentMessage/delta'] },
        },
      ]);
    });

    it('connects implicitly: requests wait for the handshake, then go out once', () => {
      const transport = new InMemoryTransport({ initializeResponse: null });
      const { codex, server } = client({}, transport);
      const models = new ObservableStream(codex.models());
      const account = new ObservableStream(codex.account());
      expect(server.methods()).toEqual(['initialize']);
      server.respondTo('initialize', FAKE_INITIALIZE_RESPONSE);
      expect(server.methods()).toEqual(['initialize', 'initialized', 'model/list', 'account/read']);
      models.unsubscribe();
      account.unsubscribe();
    });

    it('fails with VersionMismatchError when the app-server is older than the protocol', async () => {
      const transport = new InMemoryTransport({ initializeResponse: { ...FAKE_INITIALIZE_RESPONSE, userAgent: 'codex_cli_rs/0.100.0 (x)' } });
      const { codex, server } = client({}, transport);
      const error = await errorOf(codex.connect());
      expect(VersionMismatchError.is(error)).toBe(true);
      expect(error).toMatchObject({ serverVersion: '0.100.0', sdkProtocolVersion: PROTOCOL_VERSION });
      expect(server.methods()).toEqual(['initialize']); // never `initialized`
      expect(transport.closedByClient).toBe(true);
      expect(codex.metadata).toBeUndefined();
      expect(VersionMismatchError.is(await errorOf(codex.models()))).toBe(true);
      expect(server.methods()).toEqual(['initialize']);
    });

    it.each(['codex_cli_rs/99.0.0 (Linux)', `codex_cli_rs/${PROTOCOL_VERSION} (Linux)`, 'some-fork (no version)'])('accepts the server %s', async (userAgent) => {
      const transport = new InMemoryTransport({ initializeResponse: { ...FAKE_INITIALIZE_RESPONSE, userAgent } });
      const { codex } = client({}, transport);
      expect((await firstValueFrom(codex.connect())).userAgent).toBe(userAgent);
    });
  });

  describe('request()', () => {
    it('is a typed, cold escape hatch: one request per subscription', async () => {
      const { codex, server, transport } = client();
      const answer: ModelListResponse = { data: [], nextCursor: null };
      transport.onRequest('model/list', () => answer);
      const models$ = codex.request('model/list', { limit: 5 });
      expectType<Observable<ModelListResponse>>()(models$);
      expect(transport.started).toBe(false);
      expect(await lastValueFrom(models$)).toEqual(answer);
      expect(await lastValueFrom(models$)).toEqual(answer);
      expect(server.paramsOf('model/list')).toEqual([{ limit: 5 }, { limit: 5 }]);
      expect(new Set(server.requests('model/list').map((m) => m.id)).size).toBe(2);
      expectIdle(codex);
    });

    it('maps JSON-RPC errors to their class', async () => {
      const { codex, server } = client();
      const stream = new ObservableStream(codex.request('model/list', {}));
      server.failTo('model/list', -32601, 'method not found');
      const error = await stream.takeError();
      expect(MethodNotFoundError.is(error)).toBe(true);
      expect(error).toMatchObject({ code: -32601, method: 'model/list' });
    });

    it('forgets a request whose subscriber left', () => {
      const { codex } = client();
      codex.request('model/list', {}).subscribe().unsubscribe();
      expectIdle(codex);
    });
  });

  describe('thread options', () => {
    function started(options?: Parameters<Codex['threadStart']>[0]) {
      const { codex, transport, server } = client();
      transport.onRequest('thread/start', () => threadStartResponse());
      let thread;
      codex.threadStart(options).subscribe((t) => (thread = t));
      expect(thread).toBeDefined();
      return server.paramsOf('thread/start')[0];
    }

    it.each([
      ['Sandbox.readOnly', { sandbox: Sandbox.readOnly }, { sandbox: 'read-only' }],
      ['Sandbox.workspaceWrite', { sandbox: Sandbox.workspaceWrite }, { sandbox: 'workspace-write' }],
      ['Sandbox.fullAccess', { sandbox: Sandbox.fullAccess }, { sandbox: 'danger-full-access' }],
      ['ApprovalMode.autoReview', { approvalMode: ApprovalMode.autoReview }, { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' }],
      ['ApprovalMode.denyAll', { approvalMode: ApprovalMode.denyAll }, { approvalPolicy: 'never' }],
      ['ApprovalMode.ask', { approvalMode: ApprovalMode.ask }, { approvalPolicy: 'on-request', approvalsReviewer: 'user' }],
      [
        'camelCase fields as they are',
        { model: 'gpt-test', modelProvider: 'mock', cwd: '/repo', baseInstructions: 'b', developerInstructions: 'd', ephemeral: true, config: { 'features.x': true }, serviceName: 'svc' },
        { model: 'gpt-test', modelProvider: 'mock', cwd: '/repo', baseInstructions: 'b', developerInstructions: 'd', ephemeral: true, config: { 'features.x': true }, serviceName: 'svc' },
      ],
      ['undefined values dropped', { model: undefined, sandbox: undefined }, {}],
      ['no options', undefined, {}],
    ])('threadStart maps %s', (_name, options, wire) => {
      expect(started(options as Parameters<Codex['threadStart']>[0])).toEqual(wire);
    });

    it('threadStart emits a Thread built from the answer', async () => {
      const { codex, transport } = client();
      transport.onRequest('thread/start', () => threadStartResponse(threadInfo({ ...{ name: 'demo' }, id: 'thr-42' })));
      const thread = await firstValueFrom(codex.threadStart());
      expect(thread.id).toBe('thr-42');
      expect(thread.info.name).toBe('demo');
    });

    it.each(['thread/resume', 'thread/fork'] as const)('%s sends the thread id with the mapped options', async (method) => {
      const { codex, transport, server } = client();
      transport.onRequest(method, () => threadStartResponse(threadInfo({ id: 'thr-7' })));
      const open = method === 'thread/resume' ? codex.threadResume.bind(codex) : codex.threadFork.bind(codex);
      const thread = await firstValueFrom(open('thr-7', { sandbox: Sandbox.readOnly, approvalMode: ApprovalMode.denyAll }));
      expect(thread.id).toBe('thr-7');
      expect(server.paramsOf(method)).toEqual([{ threadId: 'thr-7', sandbox: 'read-only', approvalPolicy: 'never' }]);
    });
  });

  describe('turn options', () => {
    function turnParamsFor(input: Parameters<ReturnType<typeof openThread>['turn']>[0], options?: Parameters<ReturnType<typeof openThread>['turn']>[1]) {
      const { codex, transport, server } = client();
      const thread = openThread(codex, transport);
      thread.turn(input, options).subscribe({ error: () => undefined }).unsubscribe();
      return server.paramsOf('turn/start')[0];
    }
    const hi = [{ type: 'text', text: 'Hi', text_elements: [] }];

    it.each([
      ['Sandbox.readOnly', { sandbox: Sandbox.readOnly }, { sandboxPolicy: { type: 'readOnly', networkAccess: false } }],
      [
        'Sandbox.workspaceWrite',
        { sandbox: Sandbox.workspaceWrite },
        { sandboxPolicy: { type: 'workspaceWrite', writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false } },
      ],
      ['Sandbox.fullAccess', { sandbox: Sandbox.fullAccess }, { sandboxPolicy: { type: 'dangerFullAccess' } }],
      ['ApprovalMode.autoReview', { approvalMode: ApprovalMode.autoReview }, { approvalPolicy: 'on-request', approvalsReviewer: 'auto_review' }],
      ['ApprovalMode.denyAll', { approvalMode: ApprovalMode.denyAll }, { approvalPolicy: 'never' }],
      ['ApprovalMode.ask', { approvalMode: ApprovalMode.ask }, { approvalPolicy: 'on-request', approvalsReviewer: 'user' }],
      ['model, effort, summary, cwd, personality', { model: 'm', effort: 'high', summary: 'concise', cwd: '/repo', personality: 'pragmatic' }, { model: 'm', effort: 'high', summary: 'concise', cwd: '/repo', personality: 'pragmatic' }],
    ])('thread.turn maps %s', (_name, options, wire) => {
      expect(turnParamsFor('Hi', options as Parameters<ReturnType<typeof openThread>['turn']>[1])).toEqual({ threadId: FAKE_THREAD_ID, input: hi, ...wire });
    });

    it('sends input items as given, and strings as text items', () => {
      const input = [textInput('Look at this'), imageInput('https://example.com/a.png'), localImageInput('/tmp/b.png'), 'and this'];
      expect(turnParamsFor(input as never)).toEqual({
        threadId: FAKE_THREAD_ID,
        input: [
          { type: 'text', text: 'Look at this', text_elements: [] },
          { type: 'image', url: 'https://example.com/a.png' },
          { type: 'localImage', path: '/tmp/b.png' },
          { type: 'text', text: 'and this', text_elements: [] },
        ],
      });
    });
  });

  describe('refuses bad calls with ValidationError, sending nothing', () => {
    it.each([
      ['an unknown option name', { sandox: 'readOnly' }, 'sandox'],
      ['a wire value instead of a Sandbox preset', { sandbox: 'workspace-write' }, 'sandbox'],
      ['a sandbox name inherited from Object.prototype', { sandbox: 'constructor' }, 'sandbox'],
      ['an unknown approval mode', { approvalMode: 'yolo' }, 'approvalMode'],
      ['a non-string model', { model: 5 }, 'model'],
      ['a non-boolean ephemeral', { ephemeral: 'yes' }, 'ephemeral'],
      ['an approvalHandler that is not a function', { approvalHandler: 'accept' }, 'approvalHandler'],
    ])('threadStart with %s', async (_name, options, path) => {
      const { codex, transport } = client();
      const error = await errorOf(codex.threadStart(options as never));
      expect(ValidationError.is(error)).toBe(true);
      expect((error as ValidationError).issues.map((i) => i.path)).toContain(path);
      expect(transport.started).toBe(false);
      expect(transport.sent).toEqual([]);
    });

    it('threadStart with options that are not an object', async () => {
      const { codex, transport } = client();
      expect(ValidationError.is(await errorOf(codex.threadStart('fast' as never)))).toBe(true);
      expect(transport.sent).toEqual([]);
    });

    it.each([
      ['an empty thread id', ''],
      ['a non-string thread id', 42],
    ])('threadResume / threadFork / threadArchive with %s', async (_name, id) => {
      const { codex, transport } = client();
      for (const call$ of [codex.threadResume(id as never), codex.threadFork(id as never), codex.threadArchive(id as never), codex.threadUnarchive(id as never)]) {
        expect(ValidationError.is(await errorOf(call$))).toBe(true);
      }
      expect(transport.sent).toEqual([]);
    });

    it.each([
      ['a non-string prompt', 42, undefined],
      ['a null prompt', null, undefined],
      ['an empty input array', [], undefined],
      ['an input item of unknown type', [{ type: 'video', url: 'x' }], undefined],
      ['a text item without text', [{ type: 'text' }], undefined],
      ['an unknown turn option', 'Hi', { sandboxPolicy: { type: 'readOnly' } }],
      ['a bad turn sandbox preset', 'Hi', { sandbox: 'read-only' }],
      ['a turn sandbox name inherited from Object.prototype', 'Hi', { sandbox: 'toString' }],
      ['a non-object outputSchema', 'Hi', { outputSchema: 'json' }],
      ['an approvalHandler that is not a function', 'Hi', { approvalHandler: true }],
    ])('thread.turn / thread.run with %s', async (_name, input, options) => {
      const { codex, transport } = client();
      const thread = openThread(codex, transport);
      expect(ValidationError.is(await errorOf(thread.turn(input as never, options as never)))).toBe(true);
      expect(ValidationError.is(await errorOf(thread.run(input as never, options as never)))).toBe(true);
      expect(transport.sent).toEqual([]);
      expect(thread.activeTurn).toBeUndefined();
      expectIdle(codex);
    });

    it.each([
      ['empty', ''],
      ['blank', '   '],
      ['not a string', 42],
    ])('loginApiKey with a key that is %s', async (_name, key) => {
      const { codex, transport } = client();
      expect(ValidationError.is(await errorOf(codex.loginApiKey(key as never)))).toBe(true);
      expect(transport.started).toBe(false);
      expect(transport.sent).toEqual([]);
    });
  });

  describe('thread listing', () => {
    const page = (ids: string[], nextCursor: string | null): ThreadListResponse => ({ data: ids.map((id) => threadInfo({ id: id })), readStates: null, nextCursor, backwardsCursor: null });

    it('threadList sends the options and emits one page', async () => {
      const { codex, transport, server } = client();
      transport.onRequest('thread/list', () => page(['a'], 'next'));
      expect((await firstValueFrom(codex.threadList({ limit: 1, cursor: 'c0' }))).nextCursor).toBe('next');
      expect(server.paramsOf('thread/list')).toEqual([{ limit: 1, cursor: 'c0' }]);
    });

    it('threadListAll walks every page by cursor and emits each thread', async () => {
      const { codex, transport, server } = client();
      const pages: Record<string, ThreadListResponse> = {
        '': page(['t1', 't2'], 'c2'),
        c2: page(['t3'], 'c3'),
        c3: page([], null),
      };
      transport.onRequest('thread/list', (p: { cursor?: string }) => pages[p.cursor ?? '']);
      const threads = await lastValueFrom(codex.threadListAll({ limit: 2 }).pipe(toArray()));
      expect(threads.map((t) => t.id)).toEqual(['t1', 't2', 't3']);
      expect(server.paramsOf('thread/list')).toEqual([{ limit: 2 }, { limit: 2, cursor: 'c2' }, { limit: 2, cursor: 'c3' }]);
      expectIdle(codex);
    });

    it('threadListAll stops at a page without nextCursor', async () => {
      const { codex, transport, server } = client();
      transport.onRequest('thread/list', () => page(['only'], null));
      expect((await lastValueFrom(codex.threadListAll().pipe(toArray()))).map((t) => t.id)).toEqual(['only']);
      expect(server.paramsOf('thread/list')).toHaveLength(1);
    });

    it('threadArchive / threadUnarchive send the thread id and complete with undefined', async () => {
      const { codex, transport, server } = client();
      transport.onRequest('thread/archive', () => ({})).onRequest('thread/unarchive', () => ({ thread: threadInfo({ id: 'thr-3' }) }));
      expect(await lastValueFrom(codex.threadArchive('thr-3'))).toBeUndefined();
      expect(await lastValueFrom(codex.threadUnarchive('thr-3'))).toBeUndefined();
      expect(server.paramsOf('thread/archive')).toEqual([{ threadId: 'thr-3' }]);
      expect(server.paramsOf('thread/unarchive')).toEqual([{ threadId: 'thr-3' }]);
    });
  });

  describe('login', () => {
    function chatgpt() {
      const c = client();
      c.transport.onRequest('account/login/start', (p: { type: string }) =>
        p.type === 'chatgpt'
          ? { type: 'chatgpt', loginId: 'login-1', authUrl: 'https://auth.example/authorize?x=1' }
          : { type: 'chatgptDeviceCode', loginId: 'login-2', verificationUrl: 'https://auth.example/device', userCode: 'ABCD-1234' },
      );
      return c;
    }

    it('loginChatgpt emits a handle with the auth URL', async () => {
      const { codex, server } = chatgpt();
      const handle = await firstValueFrom(codex.loginChatgpt());
      expect(handle).toMatchObject({ loginId: 'login-1', authUrl: 'https://auth.example/authorize?x=1' });
      expect(server.paramsOf('account/login/start')).toEqual([{ type: 'chatgpt' }]);
    });

    it('completed$ emits the completion of its own login, even one that arrived before subscription', async () => {
      const { codex, server } = chatgpt();
      const handle = await firstValueFrom(codex.loginChatgpt());
      server.emit(loginCompleted('someone-else', false));
      server.emit(loginCompleted('login-1'));
      const done = new ObservableStream(handle.completed$);
      expect(await done.takeNext()).toEqual(loginCompleted('login-1').params);
      await done.takeComplete();
    });

    it('completed$ waits for its own login, ignoring others', async () => {
      const { codex, server } = chatgpt();
      const handle = await firstValueFrom(codex.loginChatgpt());
      const done = new ObservableStream(handle.completed$);
      server.emit(loginCompleted('someone-else'));
      await done.expectNoEvent();
      server.emit(loginCompleted('login-1', false));
      expect(await done.takeNext()).toMatchObject({ loginId: 'login-1', success: false, error: 'denied' });
      await done.takeComplete();
    });

    it('cancel() sends account/login/cancel with the login id', async () => {
      const { codex, server } = chatgpt();
      const handle = await firstValueFrom(codex.loginChatgpt());
      const cancel$ = handle.cancel();
      expect(server.paramsOf('account/login/cancel')).toEqual([]); // cold
      const cancel = new ObservableStream(cancel$);
      expect(server.paramsOf('account/login/cancel')).toEqual([{ loginId: 'login-1' }]);
      server.respondTo('account/login/cancel', { status: 'canceled' });
      expect(await cancel.takeNext()).toBeUndefined();
      await cancel.takeComplete();
    });

    it('loginChatgptDeviceCode emits a handle with the code and URL', async () => {
      const { codex, server } = chatgpt();
      const handle = await firstValueFrom(codex.loginChatgptDeviceCode());
      expect(handle).toMatchObject({ loginId: 'login-2', verificationUrl: 'https://auth.example/device', userCode: 'ABCD-1234' });
      expect(server.paramsOf('account/login/start')).toEqual([{ type: 'chatgptDeviceCode' }]);
      server.emit(loginCompleted('login-2'));
      expect(await firstValueFrom(handle.completed$)).toMatchObject({ loginId: 'login-2', success: true });
    });

    it('loginChatgpt fails with ValidationError on an answer of another type', async () => {
      const { codex, transport } = client();
      transport.onRequest('account/login/start', () => ({ type: 'apiKey' }));
      expect(ValidationError.is(await errorOf(codex.loginChatgpt()))).toBe(true);
    });

    it('loginApiKey sends the key', async () => {
      const { codex, transport, server } = client();
      transport.onRequest('account/login/start', () => ({ type: 'apiKey' }));
      expect(await firstValueFrom(codex.loginApiKey('sk-test-1234'))).toEqual({ type: 'apiKey' });
      expect(server.paramsOf('account/login/start')).toEqual([{ type: 'apiKey', apiKey: 'sk-test-1234' }]);
    });
  });

  describe('notifications$', () => {
    it('is hot: every notification, whoever it belongs to', async () => {
      const { codex, transport, server } = client();
      openThread(codex, transport);
      const all = new ObservableStream(codex.notifications$);
      server.emit(agentMessageDelta('m', 'x'));
      server.emit(loginCompleted('l'));
      expect((await all.takeNext()).method).toBe('item/agentMessage/delta');
      expect((await all.takeNext()).method).toBe('account/login/completed');
      all.unsubscribe();
    });
  });

  describe('close()', () => {
    it('errors in-flight requests and turns with TransportClosedError', async () => {
      const { codex, transport, server } = client();
      const thread = openThread(codex, transport);
      const models = new ObservableStream(codex.models());
      const running = new ObservableStream(thread.turn('Hi'));
      server.respondTo('turn/start', turnStartResponse());
      const starting = new ObservableStream(thread.run('Hi again'));
      const notifications = new ObservableStream(codex.notifications$);
      await codex.close();
      for (const stream of [models, running, starting]) expect(TransportClosedError.is(await stream.takeError())).toBe(true);
      await notifications.takeComplete();
      expect(transport.closedByClient).toBe(true);
      expect(server.paramsOf('turn/interrupt')).toEqual([]); // nothing can be sent any more
      expectIdle(codex);
    });

    it('is idempotent', async () => {
      const { codex } = client();
      codex.connect().subscribe();
      const first = codex.close();
      expect(codex.close()).toBe(first);
      await first;
      await expect(codex.close()).resolves.toBeUndefined();
    });

    it('makes later calls fail with TransportClosedError, sending nothing', async () => {
      const { codex, transport } = client();
      const thread = openThread(codex, transport);
      await codex.close();
      const sent = transport.sent.length;
      expect(TransportClosedError.is(await errorOf(codex.models()))).toBe(true);
      expect(TransportClosedError.is(await errorOf(codex.threadStart()))).toBe(true);
      expect(TransportClosedError.is(await errorOf(thread.turn('Hi')))).toBe(true);
      expect(TransportClosedError.is(await errorOf(codex.connect()))).toBe(true);
      expect(transport.sent.length).toBe(sent);
      expect(thread.activeTurn).toBeUndefined();
    });

    it('works before any use (nothing was started)', async () => {
      const { codex, transport } = client();
      await codex.close();
      expect(transport.started).toBe(false);
      expect(TransportClosedError.is(await errorOf(codex.models()))).toBe(true);
      expect(transport.sent).toEqual([]);
    });

    it('ends a turn that completed normally before close without error', async () => {
      const { codex, transport, server } = client();
      const thread = openThread(codex, transport);
      const turn$ = new ObservableStream(thread.turn('Hi'));
      server.respondTo('turn/start', turnStartResponse());
      server.emit(turnCompleted(DEFAULT_TURN_REF, 'completed', null));
      await codex.close();
      await turn$.takeNext();
      await turn$.takeComplete();
    });
  });
});

describe('renamed names keep their deprecated aliases', () => {
  it('pendingRequests$ is pendingServerRequests$ (the same object); setApprovalHandler is setServerRequestHandler', async () => {
    const codex = new Codex({ transport: new InMemoryTransport() });
    expect(codex.pendingRequests$).toBe(codex.pendingServerRequests$);
    const thread = codex.thread();
    const undo = thread.setApprovalHandler(() => undefined);
    expect(typeof undo).toBe('function');
    expect(() => thread.setApprovalHandler('no' as never)).toThrow(/serverRequestHandler must be a function/);
    undo();
    await codex.close();
  });
});
