/** Helpers of the gateway specs: a `ws` client that plays the browser, a recording fake upstream, process checks. */
import type { IncomingHttpHeaders } from 'node:http';
import WebSocket, { WebSocketServer } from 'ws';
import type { UpstreamEvents } from '../../lib/gateway/upstream.js';
import { browserSubprotocols } from '../../lib/transport/websocket-like.js';
import { childPids, commandLine } from '../support/processes';
import { Waiters } from '../support/waiters';

/** How a test client presents its token. */
export interface ClientOptions {
  /** Sent as the Origin header, as a browser would. */
  origin?: string;
  token?: string;
  /** 'subprotocol' (browser style, default) or 'header' (Node style). */
  via?: 'subprotocol' | 'header';
  /** Extra headers (e.g. a cookie) to show they do not travel upstream. */
  headers?: Record<string, string>;
}

/**
 * What the upstream sends while turn-1 of thread `th` runs: the turn, a user message and an agent
 * message start, "Hel" and "lo" stream (the second with its keys in another order), and between
 * them a delta of another thread. A tab resuming `th` now is replayed items 2, 3 and 5.
 */
export const RUNNING_TURN_FRAMES: readonly string[] = [
  '{"method":"turn/started","params":{"threadId":"th","turn":{"id":"turn-1"}}}',
  '{"method":"item/started","params":{"item":{"type":"userMessage","id":"item-user"},"threadId":"th","turnId":"turn-1"}}',
  '{"method":"item/started","params":{"item":{"type":"agentMessage","id":"item-msg"},"threadId":"th","turnId":"turn-1"}}',
  '{"method":"item/agentMessage/delta","params":{"threadId":"th","turnId":"turn-1","itemId":"item-msg","delta":"Hel"}}',
  '{"method":"item/agentMessage/delta","params":{"threadId":"other","turnId":"turn-0","itemId":"item-old","delta":"nope"}}',
  '{"method":"item/agentMessage/delta","params":{"delta":"lo","itemId":"item-msg","turnId":"turn-1","threadId":"th"}}',
];

/** A JSON-RPC client over one WebSocket, recording everything it receives. */
export class TestClient {
  readonly received: any[] = [];
  readonly raw: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;
  private readonly waiters = new Waiters();

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      this.raw.push(text);
      this.received.push(JSON.parse(text));
      this.waiters.poke();
    });
    this.closed = new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a connection and waits for its close: `{ status }` for an HTTP refusal, `{ code, reason }` for an accepted-then-closed one. */
  static async refusal(url: string, options: ClientOptions = {}): Promise<{ status?: number; code?: number; reason?: string }> {
    try {
      const client = await TestClient.connect(url, options);
      return await client.closed;
    } catch (e) {
      return { status: (e as { status?: number }).status };
    }
  }

  /** Opens a connection; rejects with the HTTP status when the upgrade is refused. */
  static connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
    const headers: Record<string, string> = { ...options.headers };
    let protocols: string[] = [];
    if (options.token !== undefined) {
      if (options.via === 'header') headers.Authorization = `Bearer ${options.token}`;
      else protocols = browserSubprotocols(options.token);
    }
    const socket = new WebSocket(url, protocols, { origin: options.origin, headers, perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new TestClient(socket)));
      socket.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode }));
        socket.terminate();
      });
      socket.once('error', (e) => reject(e));
    });
  }

  /** Sends a request; resolves with the whole answer ({id, result} or {id, error}). */
  request(method: string, params: unknown = {}): Promise<any> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  send(message: object): void {
    this.socket.send(JSON.stringify(message));
  }

  /** The handshake a client does first. */
  async initialize(): Promise<any> {
    const answer = await this.request('initialize', { clientInfo: { name: 'gateway-spec', title: 'gateway spec', version: '0.0.0' }, capabilities: { experimentalApi: true } });
    this.notify('initialized');
    return answer;
  }

  /** Resolves with the first received message that matches (already received or to come). */
  waitFor(predicate: (m: any) => boolean, timeoutMs = 20_000): Promise<any> {
    return this.waiters.until(
      () => this.received.find(predicate),
      timeoutMs,
      () => `no matching message within ${timeoutMs} ms; got ${this.raw.map((r) => r.slice(0, 120)).join(' | ')}`,
    );
  }

  close(): Promise<{ code: number; reason: string }> {
    this.socket.close(1000);
    return this.closed;
  }
}

/** A stand-in app-server on ws://127.0.0.1: records each connection's headers and frames. */
export interface FakeUpstream {
  url: string;
  connections: Array<{ headers: IncomingHttpHeaders; frames: string[]; socket: WebSocket }>;
  close(): Promise<void>;
}

/** Starts a {@link FakeUpstream}; `onFrame` may answer (e.g. echo an id). */
export async function startFakeUpstream(onFrame?: (frame: string, socket: WebSocket) => void): Promise<FakeUpstream> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const connections: FakeUpstream['connections'] = [];
  wss.on('connection', (socket, req) => {
    const entry = { headers: req.headers, frames: [] as string[], socket };
    connections.push(entry);
    socket.on('message', (data: Buffer) => {
      const text = data.toString('utf8');
      entry.frames.push(text);
      onFrame?.(text, socket);
    });
  });
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.terminate();
        wss.close(() => resolve());
      }),
  };
}

/** The events of a gateway upstream, recording what it reported, with a way to wait for the first message or failure. */
export function upstreamRecorder() {
  const messages: Array<string | Buffer> = [];
  const failures: string[] = [];
  const waiters = new Waiters();
  const events: UpstreamEvents = {
    message: (data) => {
      messages.push(data);
      waiters.poke();
    },
    failed: (reason) => {
      failures.push(reason);
      waiters.poke();
    },
  };
  const until = <R>(probe: () => R | undefined, what: string) => waiters.until(probe, 20_000, () => `no ${what}; got ${JSON.stringify({ messages: messages.map(String), failures })}`);
  return {
    events,
    messages,
    failures,
    /** The first failure reported (now or to come). */
    failed: () => until(() => failures[0], 'failure'),
    /** The first message that matches (now or to come). */
    message: (match: (text: string) => boolean = () => true) => until(() => messages.find((m) => match(String(m))), 'matching message'),
  };
}

/** Child processes of this one that are codex app-servers. */
export function appServerChildren(): number[] {
  return childPids().filter((pid) => / app-server /.test(commandLine(pid) + ' '));
}

/** A real `codex app-server --listen ws://127.0.0.1:0` with a capability token, for the shared-upstream tests. */
export interface ListeningAppServer {
  url: string;
  token: string;
  pid: number;
  close(): Promise<void>;
}

/** Starts a listening app-server (the pinned binary) with `env`/`cwd`; resolves once it prints its URL. */
export async function startListeningAppServer(env: Record<string, string>, cwd: string, token: string): Promise<ListeningAppServer> {
  const { spawn } = await import('node:child_process');
  const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const { resolveCodexBinary } = await import('../../lib/transport/stdio-binary.js');
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-gw-token-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, token, { mode: 0o600 });
  const binary = resolveCodexBinary();
  const child = spawn(binary.path, ['app-server', '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile], {
    cwd,
    env: { ...process.env, ...env, PATH: [binary.extraPath, process.env.PATH].filter(Boolean).join(path.delimiter) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`app-server did not listen: ${err}`)), 30_000);
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      const m = /listening on: (ws:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`app-server exited (${code}): ${err}`)));
  });
  return {
    url,
    token,
    pid: child.pid!,
    async close() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * `configOverrides` that point every principal's app-server at the scripted model of `home`
 * (its provider table and model catalog), as an operator's `upstream.configOverrides` would.
 */
export function modelOverrides(home: { dir: string; configToml: string }, approvalPolicy?: 'never' | 'on-request'): Record<string, unknown> {
  const url = /base_url = "([^"]+)"/.exec(home.configToml)![1];
  const catalog = /model_catalog_json = "([^"]+)"/.exec(home.configToml)?.[1];
  return {
    model: 'mock-model',
    model_provider: 'mock',
    ...(catalog ? { model_catalog_json: catalog } : {}),
    ...(approvalPolicy ? { approval_policy: approvalPolicy } : {}),
    'model_providers.mock': { name: 'mock', base_url: url, wire_api: 'responses', request_max_retries: 0, stream_max_retries: 0 },
  };
}

/** The text of every `item/agentMessage/delta` a client received, joined. */
export function deltaText(client: TestClient): string {
  return client.received.filter((m) => m.method === 'item/agentMessage/delta').map((m) => m.params.delta).join('');
}
