import { defer, EMPTY, expand, map, mergeMap, Observable, from, type OperatorFunction } from 'rxjs';
import { ApprovalRouter, handlerOption, type ApprovalFailure, type PendingServerRequest, type ServerRequestHandler } from './approvals/approval-router.js';
import { checkCodexConfig, SDK_VERSION, type CodexConfig } from './codex-config.js';
import { transportFor } from './codex-transport.js';
import { ValidationError } from './errors.js';
import type { ChatgptLoginHandle, DeviceCodeLoginHandle, LoginCompletions } from './login.js';
import { threadParams, type ThreadOptions } from './options.js';
import type { CodexPlatform } from './platform.js';
import { ClientValidators } from './validation/lazy-validators.js';
import type { InitializeResponse } from './protocol/generated/InitializeResponse.js';
import type { GetAccountResponse } from './protocol/generated/v2/GetAccountResponse.js';
import type { LoginAccountResponse } from './protocol/generated/v2/LoginAccountResponse.js';
import type { ModelListResponse } from './protocol/generated/v2/ModelListResponse.js';
import type { ThreadListParams } from './protocol/generated/v2/ThreadListParams.js';
import type { ThreadListResponse } from './protocol/generated/v2/ThreadListResponse.js';
import type { Thread as ThreadInfo } from './protocol/generated/v2/Thread.js';
import type { ClientMethod, Notification, ParamsOf, ResultOf, MethodWithoutParams } from './protocol/methods.js';
import { Connection, type ProtocolWarning } from './rpc/connection.js';
import { redactSecrets } from './secret-redaction.js';
import { Thread } from './thread.js';
import { assertServerVersion } from './version.js';
import type { CommandEvent, ExecOptions } from './streams/command-exec.js';
import type { FsChange, WatchOptions } from './streams/fs-watch.js';
import type { FileSearchOptions, FileSearchSnapshot } from './streams/fuzzy-file-search.js';
import { ClientStreams, type Streams } from './streams/lazy-streams.js';
import type { McpServersState } from './streams/live-states.js';
import type { ProcessEvent, SpawnOptions } from './streams/process-spawn.js';
import type { ThreadSearchOptions, ThreadSearchUpdate } from './streams/thread-search.js';
import type { GetAccountRateLimitsResponse } from './protocol/generated/v2/GetAccountRateLimitsResponse.js';
import type { RemoteControlStatusReadResponse } from './protocol/generated/v2/RemoteControlStatusReadResponse.js';
import type { CodexState } from './rpc/link-state.js';
import { stableLive } from './streams/stable-live.js';

/** Options of threadStart/threadResume/threadFork, plus a handler for the thread's server requests. */
export interface ThreadCallOptions extends ThreadOptions {
  /** Answers this thread's server requests (approvals, questions, tool calls) before the client's handler. */
  serverRequestHandler?: ServerRequestHandler;
  /** @deprecated Renamed `serverRequestHandler`. */
  approvalHandler?: ServerRequestHandler;
}

/**
 * The Codex client: one app-server process (or transport), one connection, many threads.
 * Constructing it does no I/O; the first call connects.
 *
 * @example
 * const codex = new Codex();
 * const result = await lastValueFrom(codex.threadStart().pipe(mergeMap((t) => t.run('Hello'))));
 * await codex.close();
 */
export class Codex {
  /** Every server notification, hot. With `reconnect`, a subscriber stays subscribed across reconnects (and a drop reconnects on its own). */
  readonly notifications$: Observable<Notification>;
  /**
   * Where the connection is: `'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'` (see
   * CodexState). The current value on subscribe, then each change; one object, never ends.
   */
  readonly state$: Observable<CodexState>;
  /** Protocol problems the connection survived (bad lines, unknown ids, handler failures). */
  readonly warnings$: Observable<ProtocolWarning>;
  /** Server requests no handler claimed: answer them with `respond()` (e.g. from a dialog). */
  readonly pendingServerRequests$: Observable<PendingServerRequest>;
  /** Approval handlers that failed or timed out (the safe default was sent). */
  readonly approvalFailures$: Observable<ApprovalFailure>;

  private readonly connection: Connection;
  private readonly approvals: ApprovalRouter;
  /** Created by the first login (before its request): until then no per-message cost. */
  private logins?: LoginCompletions;
  private readonly secrets = new Set<string>();
  private readonly validators: ClientValidators;
  /** The streams (lib/streams): the host's, else a chunk loaded on first use (lazy-streams.ts). */
  private readonly streams: ClientStreams;
  private rateLimitsState?: Observable<GetAccountRateLimitsResponse>;
  private mcpServerState?: Observable<McpServersState>;
  private remoteControlState?: Observable<RemoteControlStatusReadResponse>;

  /**
   * @param platform What the host adds (spawning, `ws`, eager validators). codex-rx's Node entry
   * passes Node's; the main entry (a browser) passes none. Held by this client only.
   */
  constructor(config: CodexConfig = {}, platform?: CodexPlatform) {
    checkCodexConfig(config);
    const tokenFn = config.token;
    if (typeof tokenFn === 'function') {
      // Called on every connection attempt; each token it gives is masked like a fixed one.
      config = {
        ...config,
        token: async () => {
          const token = await tokenFn();
          if (typeof token === 'string') this.secrets.add(token);
          return token;
        },
      };
    }
    this.validators = new ClientValidators(platform?.validators);
    this.streams = new ClientStreams(platform?.streams);
    this.approvals = new ApprovalRouter(handlerOption(config, 'CodexConfig'), config.approvalTimeoutMs, this.validators, config.scheduler);
    for (const secret of config.secrets ?? []) if (typeof secret === 'string') this.secrets.add(secret);
    if (typeof config.token === 'string') this.secrets.add(config.token);
    const shared = config.signedBearerToken?.sharedSecret;
    if (typeof shared === 'string') this.secrets.add(shared);
    const redact = (text: string) => this.redact(config.redact ? config.redact(text) : text);
    const transport = transportFor(config, redact, platform);
    const reconnect = config.url !== undefined && config.reconnect ? (config.reconnect === true ? {} : config.reconnect) : undefined;
    this.connection = new Connection(transport, {
      reconnect: reconnect && { ...reconnect, newTransport: () => transportFor(config, redact, platform) },
      clientInfo: { name: config.clientName ?? 'codex_rx', title: config.clientTitle ?? 'codex-rx', version: config.clientVersion ?? SDK_VERSION },
      capabilities: {
        experimentalApi: config.experimentalApi ?? true,
        ...(config.optOutNotificationMethods ? { optOutNotificationMethods: [...config.optOutNotificationMethods] } : {}),
      },
      redact,
      requestTimeoutMs: config.requestTimeoutMs,
      scheduler: config.scheduler,
      maxBufferedPerThread: config.maxBufferedPerThread,
      maxPendingServerRequests: config.maxPendingServerRequests,
      serverRequestHandler: this.approvals.handle,
      checkInitialize: (r) => assertServerVersion(r.userAgent),
      // Validators load on first use (a chunk of their own in a browser build): lazy-validators.ts.
      validateParams: config.validate === false ? undefined : this.validators.checkRequest,
      validateInbound: config.validateInbound ? this.validators.validateInbound : undefined,
    });
    if (config.validateInbound) this.validators.preloadInbound();
    const connection = this.connection;
    this.notifications$ = connection.live(() => connection.notifications$) as Observable<Notification>;
    this.state$ = connection.state$;
    this.warnings$ = this.connection.warnings$;
    this.pendingServerRequests$ = this.approvals.pending$;
    this.approvalFailures$ = this.approvals.failures$;
  }

  /** Connects (once, shared) and emits the server's `initialize` answer. */
  connect(): Observable<InitializeResponse> {
    return this.connection.connect();
  }

  /** The server's `initialize` answer, once connected. */
  get metadata(): InitializeResponse | undefined {
    return this.connection.metadata;
  }

  /** Live counters (pending requests, routes, buffered messages…); all return to zero when idle. */
  /**
   * @deprecated Renamed `pendingServerRequests$` (these are the server's requests;
   * `stats.pendingRequests` counts the client's). The same Observable.
   */
  get pendingRequests$(): Observable<PendingServerRequest> {
    return this.pendingServerRequests$;
  }

  get stats() {
    return this.connection.stats;
  }

  /** Any app-server method, typed by its name: cold, one request per subscription. */
  request<M extends MethodWithoutParams>(method: M, params?: ParamsOf<M>): Observable<ResultOf<M>>;
  request<M extends ClientMethod>(method: M, params: ParamsOf<M>): Observable<ResultOf<M>>;
  /** A method the pinned protocol does not know: sent (untyped) only to a server newer than PROTOCOL_VERSION. */
  request<M extends string>(method: M extends ClientMethod ? never : M, params?: unknown): Observable<unknown>;
  request(method: string, params?: unknown): Observable<unknown> {
    return this.connection.request(method as ClientMethod, params as never);
  }

  /**
   * A new thread you can hold: returned at once, with no I/O. Its first use (`turn`, `run`,
   * `read`, `setName`, `compact`) sends `thread/start` — once, even when first uses race — and
   * `thread.id` is set from then on (undefined before). Bad options throw ValidationError here.
   *
   * @example const thread = codex.thread(); const result = await lastValueFrom(thread.run('Hello'));
   */
  thread(options?: ThreadCallOptions): Thread<string | undefined> {
    const { approvalHandler, serverRequestHandler, ...rest } = options ?? {};
    const handler = handlerOption({ approvalHandler, serverRequestHandler }, 'thread options');
    const params = threadParams(rest, 'thread options');
    const thread = new Thread<string | undefined>(
      this.connection,
      this.approvals,
      () => this.connection.request('thread/start', params as never).pipe(map((r) => (r as { thread: ThreadInfo }).thread)),
      this.validators,
    );
    if (handler) thread.setServerRequestHandler(handler);
    return thread;
  }

  /** Starts a new thread. */
  threadStart(options?: ThreadCallOptions): Observable<Thread> {
    return this.openThread('thread/start', undefined, options);
  }

  /** Resumes a stored thread by id (its history is kept; new turns continue it). */
  threadResume(threadId: string, options?: ThreadCallOptions): Observable<Thread> {
    return this.openThread('thread/resume', threadId, options);
  }

  /** Forks a stored thread (it needs at least one completed turn) into a new one. */
  threadFork(threadId: string, options?: ThreadCallOptions): Observable<Thread> {
    return this.openThread('thread/fork', threadId, options);
  }

  /** One page of stored threads (`thread/list`); pass `nextCursor` back as `cursor` for the next. */
  threadList(options: ThreadListParams = {}): Observable<ThreadListResponse> {
    return this.connection.request('thread/list', options);
  }

  /** Every stored thread, walking all pages; emits each thread. */
  threadListAll(options: Omit<ThreadListParams, 'cursor'> = {}): Observable<ThreadInfo> {
    return this.threadList(options).pipe(
      expand((page) => (page.nextCursor ? this.threadList({ ...options, cursor: page.nextCursor }) : EMPTY)),
      mergeMap((page) => from(page.data)),
    );
  }

  /** Archives a thread. */
  threadArchive(threadId: string): Observable<void> {
    return defer(() => this.connection.request('thread/archive', { threadId: requireId(threadId) })).pipe(map(() => undefined));
  }

  /** Restores an archived thread. */
  threadUnarchive(threadId: string): Observable<void> {
    return defer(() => this.connection.request('thread/unarchive', { threadId: requireId(threadId) })).pipe(map(() => undefined));
  }

  /** The models available (`model/list`). */
  models(options: { includeHidden?: boolean; modelProvider?: string; cursor?: string; limit?: number } = {}): Observable<ModelListResponse> {
    return this.connection.request('model/list', options);
  }

  /** The signed-in account, if any (`account/read`). */
  account(options: { refreshToken?: boolean } = {}): Observable<GetAccountResponse> {
    return this.connection.request('account/read', options);
  }

  /** Signs out. */
  logout(): Observable<void> {
    return this.connection.request('account/logout', undefined).pipe(map(() => undefined));
  }

  /** Signs in with an API key. The key never appears in errors or logs codex-rx produces. */
  loginApiKey(apiKey: string): Observable<LoginAccountResponse> {
    return defer(() => {
      if (typeof apiKey !== 'string' || apiKey.trim() === '') {
        throw new ValidationError('loginApiKey', [{ path: 'apiKey', message: 'must be a non-empty string' }]);
      }
      this.secrets.add(apiKey);
      return this.connection.request('account/login/start', { type: 'apiKey', apiKey });
    });
  }

  /** Starts a browser ChatGPT login: open `authUrl`, then wait on `completed$`. */
  loginChatgpt(): Observable<ChatgptLoginHandle> {
    return this.streams.use((s) => s.chatgptLogin(this.connection, this.loginCompletions(s), 'chatgpt', 'loginChatgpt'));
  }

  /** Starts a device-code ChatGPT login: show `userCode`, open `verificationUrl`, wait on `completed$`. */
  loginChatgptDeviceCode(): Observable<DeviceCodeLoginHandle> {
    return this.streams.use((s) => s.chatgptLogin(this.connection, this.loginCompletions(s), 'chatgptDeviceCode', 'loginChatgptDeviceCode'));
  }

  // Streams (lib/streams): cold; subscribing starts the interaction, unsubscribing cleans it up on the server.

  /** Runs a command (`command/exec`): output chunks, then the exit; unsubscribing terminates it. */
  exec(command: readonly string[], options?: ExecOptions): Observable<CommandEvent> {
    return this.streams.use((s) => s.commandExec(this.connection, command, options));
  }

  /** Spawns a process (`process/spawn`): output chunks, then the exit; unsubscribing kills it. */
  spawn(command: readonly string[], options: SpawnOptions): Observable<ProcessEvent> {
    return this.streams.use((s) => s.processSpawn(this.connection, command, options));
  }

  /** Watches an absolute path (`fs/watch`): each `fs/changed`; unsubscribing unwatches. */
  watch(path: string, options?: WatchOptions): Observable<FsChange> {
    return this.streams.use((s) => s.fsWatch(this.connection, path, options));
  }

  /** Fuzzy file search over `roots` as a typeahead operator over queries (`fuzzyFileSearch/session*`). */
  fileSearch(roots: readonly string[], options?: FileSearchOptions): OperatorFunction<string, FileSearchSnapshot> {
    return this.streams.fileSearch(this.connection, roots, options);
  }

  /** Searches stored threads (`thread/search/stream`): provisional rows, then the final page; unsubscribing cancels. */
  threadSearch(searchTerm: string, options?: ThreadSearchOptions): Observable<ThreadSearchUpdate> {
    return this.streams.use((s) => s.threadSearch(this.connection, searchTerm, options));
  }

  // Live states: one object per client (shared, replaying the latest value, restarted by the
  // first subscriber after none), so Angular's async pipe can read them on every change detection.

  /** The account's rate limits, live: `account/rateLimits/read`, then every update merged in. */
  get rateLimits$(): Observable<GetAccountRateLimitsResponse> {
    return (this.rateLimitsState ??= stableLive(this.connection.live(() => this.streams.use((s) => s.rateLimits(this.connection)))));
  }

  /** MCP servers, live: `mcpServerStatus/list`, then every `mcpServer/startupStatus/updated`. */
  get mcpServerStatus$(): Observable<McpServersState> {
    return (this.mcpServerState ??= stableLive(this.connection.live(() => this.streams.use((s) => s.mcpServerStatus(this.connection)))));
  }

  /** Remote-control status, live: `remoteControl/status/read`, then every change. */
  get remoteControlStatus$(): Observable<RemoteControlStatusReadResponse> {
    return (this.remoteControlState ??= stableLive(this.connection.live(() => this.streams.use((s) => s.remoteControlStatus(this.connection)))));
  }

  /** Ends the app-server: every in-flight Observable errors with TransportClosedError. Idempotent. */
  close(): Promise<void> {
    this.logins?.dispose();
    return this.connection.close();
  }

  private openThread(method: 'thread/start' | 'thread/resume' | 'thread/fork', threadId: string | undefined, options: ThreadCallOptions | undefined): Observable<Thread> {
    return defer(() => {
      const { approvalHandler, serverRequestHandler, ...rest } = options ?? {};
      const handler = handlerOption({ approvalHandler, serverRequestHandler }, `${method} options`);
      const params = threadParams(rest, `${method} options`);
      if (threadId !== undefined) params.threadId = requireId(threadId);
      return (this.connection.request(method, params as never) as Observable<{ thread: ThreadInfo }>).pipe(
        map((r) => {
          const thread = new Thread(this.connection, this.approvals, r.thread, this.validators, this.streams);
          if (handler) thread.setServerRequestHandler(handler);
          return thread;
        }),
      );
    });
  }

  /** The cache of login completions, listening from the first login on (a cache: it does not keep the process alive). */
  private loginCompletions(streams: Streams): LoginCompletions {
    return (this.logins ??= new streams.LoginCompletions(this.connection.backgroundNotifications$));
  }

  private redact(text: string): string {
    return redactSecrets(text, this.secrets);
  }
}

function requireId(threadId: unknown): string {
  if (typeof threadId !== 'string' || threadId === '') throw new ValidationError('threadId', [{ path: 'threadId', message: 'must be a non-empty string' }]);
  return threadId;
}
