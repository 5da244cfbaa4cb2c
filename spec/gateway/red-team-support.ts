/**
 * The red-team lab: the attacks of issue 21 run twice, once on a bare listening app-server (the
 * control: the guard is off, the attack must work) and once through codex-rx/gateway (it must
 * not). Both run the real binary against the scripted model; every verdict is an effect on the
 * host (a marker file, a secret in what the model or a tab received, a request to a port).
 */
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { createCodexGateway, type CodexGateway, type CodexGatewayOptions } from '../../lib/gateway/index.js';
import { startAppServer, type RunningAppServer } from '../../lib/node/index.js';
import { message, modelCatalog, ScriptedModelServer, type RecordedRequest, type ScriptedStep } from '../../lib/testing/node/index.js';
import { commandLine } from '../support/processes.js';
import { TestClient } from './support.js';

export const ORIGIN = 'https://app.example.test';

/** What the lab's `authenticate` accepts: this prefix, then the principal id (any string). */
const TOKEN_PREFIX = 'red-team-token:';

/** The token of principal `id` in the lab. */
export function tokenOf(id: string): string {
  return TOKEN_PREFIX + id;
}

/**
 * The gateway options of the contract (issue 21/22). Those the gateway of this checkout does not
 * know yet are typed here, so the suite compiles before and after the rebuild lands.
 */
export type ContractOptions = CodexGatewayOptions &
  Partial<{
    dataRoot: string;
    principalGraceMs: number;
    models: readonly string[];
    allowedDecisions: readonly string[];
    allowEscalation: boolean;
    maxAppServers: number;
    maxConnectionsPerPrincipal: number;
    maxLoadedThreadsPerPrincipal: number;
    maxStringBytes: number;
  }>;

/** One attack's world: the scripted model, a private dir, marker and secret helpers. */
export class Lab {
  /** Where markers go: outside /tmp, so no sandbox's default writable roots cover it. */
  readonly markers: string;
  /** The gateway's `dataRoot` (principals' homes and workspaces). */
  readonly dataRoot: string;
  /** The value of an env variable of the gateway's own process (what no page may ever see). */
  readonly gatewaySecret = `gateway-env-secret-${Math.random().toString(36).slice(2, 10)}`;
  private readonly clients: TestClient[] = [];
  private readonly closers: Array<() => Promise<unknown>> = [];
  private readonly savedEnv: Record<string, string | undefined> = {};
  private readonly plans = new Map<string, ScriptedStep>();
  /** Where app-servers send model requests when not straight to the scripted model (see {@link Lab.namespaceTools}). */
  private modelUrl: string | undefined;

  private constructor(
    readonly root: string,
    readonly model: ScriptedModelServer,
  ) {
    this.markers = mkdtempSync(path.join(existsSync('/var/tmp') ? '/var/tmp' : path.dirname(root), 'codex-rx-red-team-'));
    this.dataRoot = path.join(root, 'data-root');
    mkdirSync(this.dataRoot);
    writeFileSync(this.catalog, JSON.stringify(modelCatalog()));
    // The gateway's own environment: a secret, and a CODEX_HOME that is not the machine's (a
    // gateway that still hands process.env to app-servers must not touch ~/.codex here).
    const decoy = path.join(root, 'gateway-process-home');
    mkdirSync(decoy);
    this.setEnv('RED_TEAM_GATEWAY_SECRET', this.gatewaySecret);
    this.setEnv('CODEX_HOME', decoy);
    // A turn's first request answers with the plan of its prompt; a tool output gets "done".
    model.respond = (request) => {
      const input: Array<Record<string, any>> = request.body?.input ?? [];
      const last = input[input.length - 1];
      if (last && last.type !== 'message') return message('done');
      return this.plans.get(lastUserText(input)) ?? message('done');
    };
  }

  static async start(): Promise<Lab> {
    const root = mkdtempSync(path.join(tmpdir(), 'codex-rx-red-team-'));
    return new Lab(root, await ScriptedModelServer.start());
  }

  get catalog(): string {
    return path.join(this.root, 'catalog.json');
  }

  /** The scripted model answers a turn whose prompt is `prompt` with `step` (then "done"). */
  plan(prompt: string, step: ScriptedStep): void {
    this.plans.set(prompt, step);
  }

  /** A path for a marker file (not created). */
  marker(name: string): string {
    return path.join(this.markers, name);
  }

  /** The config every app-server of the lab gets: the scripted model, approvals as asked. */
  overrides(extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      model: 'mock-model',
      model_provider: 'mock',
      approval_policy: 'never',
      model_catalog_json: this.catalog,
      model_providers: { mock: { name: 'mock', base_url: this.modelUrl ?? this.model.url, wire_api: 'responses', request_max_retries: 0, stream_max_retries: 0 } },
      ...extra,
    };
  }

  /**
   * The guard off: a bare listening app-server (its own home and workspace in the lab, the
   * gateway process's environment, as an operator without codex-rx would run it).
   */
  async bare(extra: Record<string, unknown> = {}): Promise<Target & { server: RunningAppServer; home: string; workspace: string }> {
    const home = mkdtempSync(path.join(this.root, 'bare-home-'));
    const workspace = mkdtempSync(path.join(this.root, 'bare-workspace-'));
    const server = await startAppServer({ configOverrides: this.overrides(extra), env: { CODEX_HOME: home }, cwd: workspace });
    this.closers.push(() => server.close());
    return { server, home, workspace, tab: () => this.track(TestClient.connect(server.url, { token: server.token, via: 'header' })) };
  }

  /** The guard on: codex-rx/gateway with the contract's options; a tab's principal is whatever id it names. */
  async guarded(options: Partial<ContractOptions> = {}, extra: Record<string, unknown> = {}): Promise<Target & { gateway: CodexGateway; logs: string[] }> {
    const logs: string[] = [];
    const contract: ContractOptions = {
      allowedOrigins: [ORIGIN],
      authenticate: (_req, token) => (token.startsWith(TOKEN_PREFIX) ? { id: token.slice(TOKEN_PREFIX.length) } : undefined),
      upstream: { configOverrides: this.overrides(extra) },
      dataRoot: this.dataRoot,
      models: ['mock-model'],
      log: (line) => logs.push(line),
      ...options,
    };
    const gateway = createCodexGateway(contract);
    const { url } = await gateway.listen({ port: 0 });
    this.closers.push(() => gateway.close());
    return { gateway, logs, tab: (principal = 'alice') => this.track(TestClient.connect(url, { origin: ORIGIN, token: tokenOf(principal) })) };
  }

  /**
   * From now on app-servers reach the scripted model through a proxy that puts the function calls
   * named in `namespaces` into their tool namespace (`"namespace":"multi_agent_v1"`), which the
   * scripted model's steps cannot say. Answers are buffered whole: no `hang` steps through it.
   */
  async namespaceTools(namespaces: Record<string, string>): Promise<void> {
    const target = this.model.port;
    const proxy = http.createServer((req, res) => {
      const body: Buffer[] = [];
      req.on('data', (c: Buffer) => body.push(c));
      req.on('end', () => {
        const upstream = http.request({ host: '127.0.0.1', port: target, path: req.url, method: req.method, headers: req.headers }, (answer) => {
          const chunks: Buffer[] = [];
          answer.on('data', (c: Buffer) => chunks.push(c));
          answer.on('end', () => {
            let text = Buffer.concat(chunks).toString('utf8');
            for (const [name, ns] of Object.entries(namespaces)) text = text.split(`"name":${JSON.stringify(name)}`).join(`"name":${JSON.stringify(name)},"namespace":${JSON.stringify(ns)}`);
            const headers = { ...answer.headers };
            delete headers['content-length'];
            delete headers['transfer-encoding'];
            res.writeHead(answer.statusCode ?? 502, headers).end(text);
          });
        });
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(body));
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
    this.closers.push(() => new Promise((resolve) => proxy.close(resolve)));
    this.modelUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`;
  }

  /** Every `POST /responses` body the model received, as text. */
  modelSaw(): string {
    return this.model.responseRequests.map((r: RecordedRequest) => r.rawBody).join('\n');
  }

  /** Every file under `dir` (recursively) whose parent directory is named `rules`. */
  ruleFiles(dir: string): string[] {
    return filesUnder(dir).filter((f) => path.basename(path.dirname(f)) === 'rules');
  }

  async dispose(): Promise<void> {
    for (const c of this.clients) c.socket.terminate();
    for (const close of this.closers.reverse()) await close().catch(() => undefined);
    await this.model.close();
    // Whatever still runs in the lab's directories was started by this lab (e.g. a sandbox helper an
    // ended app-server left behind): it goes, by its own pid.
    for (const pid of processesNaming(this.root)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    for (const [k, v] of Object.entries(this.savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(this.root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    rmSync(this.markers, { recursive: true, force: true });
  }

  private setEnv(key: string, value: string): void {
    if (!(key in this.savedEnv)) this.savedEnv[key] = process.env[key];
    process.env[key] = value;
  }

  private async track(connecting: Promise<TestClient>): Promise<TestClient> {
    const client = await connecting;
    this.clients.push(client);
    return client;
  }
}

/** Something a page can open connections to. */
export interface Target {
  /** A new connection (not initialized); `principal` picks the user where there are several. */
  tab(principal?: string): Promise<TestClient>;
}

/** Opens a tab and does the handshake. */
export async function openTab(target: Target, principal?: string): Promise<TestClient> {
  const tab = await target.tab(principal);
  const answer = await tab.initialize();
  if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer).slice(0, 300)}`);
  return tab;
}

export function textInput(text: string) {
  return [{ type: 'text', text, text_elements: [] }];
}

/** Field order of `ThreadStartParams` as serde reads a positional (array) params: 27 elements. */
const THREAD_START_FIELDS = [
  'model', 'modelProvider', 'allowProviderModelFallback', 'serviceTier', 'cwd', 'runtimeWorkspaceRoots', 'approvalPolicy',
  'approvalsReviewer', 'sandbox', 'permissions', 'config', 'serviceName', 'baseInstructions', 'developerInstructions',
  'personality', 'multiAgentMode', 'ephemeral', 'historyMode', 'sessionStartSource', 'threadSource', 'projectId',
  'daybreakEnabled', 'environments', 'dynamicTools', 'selectedCapabilityRoots', 'mockExperimentalField', 'experimentalRawEvents',
];
/** Field order of `TurnStartParams` as an array: 28 elements. */
const TURN_START_FIELDS = [
  'threadId', 'disabledPluginIds', 'clientUserMessageId', 'input', 'turnTrigger', 'parentTurnId', 'rootTurnId', 'toolOutput',
  'responsesapiClientMetadata', 'responsesapiClientMetadataPatch', 'additionalContext', 'environments', 'cwd',
  'runtimeWorkspaceRoots', 'approvalPolicy', 'approvalsReviewer', 'sandboxPolicy', 'permissions', 'model', 'serviceTier',
  'serviceTierForTurn', 'effort', 'summary', 'personality', 'outputSchema', 'collaborationMode', 'multiAgentMode', 'cyberAccessProgram',
];
/** Fields serde wants present (not null) in the array form. */
const ARRAY_DEFAULTS: Record<string, unknown> = { allowProviderModelFallback: false, experimentalRawEvents: false };

/** `thread/start` params as a JSON array carrying `fields` (the form a key check does not see). */
export function threadStartArray(fields: Record<string, unknown>): unknown[] {
  return THREAD_START_FIELDS.map((f) => (f in fields ? fields[f] : (ARRAY_DEFAULTS[f] ?? null)));
}

/** `turn/start` params as a JSON array. */
export function turnStartArray(fields: Record<string, unknown>): unknown[] {
  return TURN_START_FIELDS.map((f) => (f in fields ? fields[f] : null));
}

/**
 * Starts a turn and waits for its end: resolves with the turn/completed params, or with the
 * refusal (`{ error }`) when turn/start was not accepted.
 */
export async function runTurn(tab: TestClient, threadId: string, prompt: string, extra: Record<string, unknown> = {}): Promise<any> {
  return settleTurn(tab, await tab.request('turn/start', { threadId, input: textInput(prompt), ...extra }));
}

/** Waits for the turn a turn/start `answer` started (or returns the refusal). */
export async function settleTurn(tab: TestClient, answer: any): Promise<any> {
  if (!answer.result) return { error: answer.error };
  const turnId = answer.result.turn.id;
  return (await tab.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turnId, 60_000)).params;
}

/** Starts a thread; its id, or undefined when refused. */
export async function startThread(tab: TestClient, params: unknown = {}): Promise<string | undefined> {
  const answer = await tab.request('thread/start', params);
  return answer.result?.thread?.id;
}

/**
 * A page that answers every server request it gets with `answer(request)` (what an attacker's
 * page would do). Returns the requests it saw.
 */
export function autoAnswer(tab: TestClient, answer: (request: any) => object): any[] {
  const seen: any[] = [];
  tab.socket.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString('utf8'));
    if (m.method !== undefined && m.id !== undefined) {
      seen.push(m);
      tab.send({ id: m.id, result: answer(m) });
    }
  });
  return seen;
}

/**
 * The sync point of an attack: a plain thread and a turn on it, to completion. Whatever the
 * frames before it set in motion on that app-server has happened by then.
 */
export async function settle(tab: TestClient): Promise<void> {
  const threadId = await startThread(tab);
  if (!threadId) throw new Error('settle: a plain thread/start was refused');
  const end = await runTurn(tab, threadId, 'settle');
  if (end.error) throw new Error(`settle: a plain turn was refused: ${JSON.stringify(end.error)}`);
}

/** A valid 1×1 PNG whose tEXt chunk carries `secret` (Codex sends image bytes to the model as they are). */
export function pngWith(secret: string): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc32(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('tEXt', Buffer.from(`Comment\0${secret}`, 'latin1')),
    chunk('IDAT', deflateSync(Buffer.from([0, 255, 0, 0]))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The decoded bytes of every `data:` URL in `text` (latin1), joined. */
export function dataUrlBytes(text: string): string {
  return [...text.matchAll(/data:[a-z/+.-]+;base64,([A-Za-z0-9+/=]+)/g)].map((m) => Buffer.from(m[1], 'base64').toString('latin1')).join('\n');
}

function lastUserText(input: Array<Record<string, any>>): string {
  for (let i = input.length - 1; i >= 0; i--) {
    const item = input[i];
    if (item.type === 'message' && item.role === 'user') {
      return (item.content as Array<{ type: string; text?: string }>)
        .filter((c) => c.type === 'input_text')
        .map((c) => c.text ?? '')
        .join('');
    }
  }
  return '';
}

/** Every regular file under `dir`, recursively (links are not followed: Codex links its binary into a home). */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    let s;
    try {
      s = lstatSync(full);
    } catch {
      continue;
    }
    if (s.isDirectory()) out.push(...filesUnder(full));
    else if (s.isFile()) out.push(full);
  }
  return out;
}

/** Live processes (other than this one) whose command line names `dir`. */
function processesNaming(dir: string): number[] {
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e) && Number(e) !== process.pid)
    .map(Number)
    .filter((pid) => commandLine(pid).includes(dir));
}

/** A fresh Lab for each test of the file, disposed after it; `lab()` is the current one. */
export function labPerTest(): () => Lab {
  let lab: Lab | undefined;
  beforeEach(async () => {
    lab = await Lab.start();
  });
  afterEach(async () => {
    await lab?.dispose();
    lab = undefined;
  });
  return () => lab!;
}
