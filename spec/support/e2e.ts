import { tap, type Observable, type Subscription } from 'rxjs';
import { Codex, StdioTransport, type CodexSpawnConfig, type Transport } from '../../lib/node/index';
import { createCodexHome, ScriptedModelServer, type CodexHome, type CodexHomeOptions, type ScriptedStep } from '../../lib/testing/node/index';
import { Waiters } from './waiters';

/** A real app-server against a scripted model, per test: the model, the home, and a Codex client. */
export interface E2E {
  model: ScriptedModelServer;
  home: CodexHome;
  codex: Codex;
  /** The transport the client built for itself (the real stdio child); `pid` once started. */
  transport: StdioTransport;
  /** Every message the client wrote to the app-server, in order. */
  sent: SentMessage[];
  dispose(): Promise<void>;
}

/** Options of {@link startE2E}. */
export interface E2EOptions {
  steps?: ScriptedStep[];
  home?: Omit<CodexHomeOptions, 'modelServerUrl'>;
  codex?: CodexSpawnConfig;
}

/** Starts the scripted model, a temp CODEX_HOME and a Codex client (not yet connected). */
export async function startE2E(options: E2EOptions = {}): Promise<E2E> {
  const { model, home } = await startModelHome(options);
  const codex = new Codex({ env: home.env, cwd: home.workspace, ...options.codex });
  const transport = transportOf(codex);
  return {
    model,
    home,
    codex,
    transport: transport as StdioTransport,
    sent: recordSends(transport),
    async dispose() {
      await codex.close();
      await model.close();
      await home.dispose();
    },
  };
}

/**
 * The transport a Codex client talks through. Test-only: it reads private fields
 * (Codex → connection → transport), so that the client is built exactly as users build it.
 */
export function transportOf(codex: Codex): Transport {
  const transport = (codex as unknown as { connection?: { transport?: Transport } }).connection?.transport;
  if (!transport || typeof transport.send !== 'function') throw new Error('transportOf: Codex no longer keeps connection.transport');
  return transport;
}

/** Records every message sent through `transport` from now on (wraps its `send`). */
export function recordSends(transport: Transport): SentMessage[] {
  const sent: SentMessage[] = [];
  const send = transport.send.bind(transport);
  transport.send = (message: object) => {
    send(message);
    sent.push(JSON.parse(JSON.stringify(message)) as SentMessage);
  };
  return sent;
}

/** One message on the wire between a client and its app-server, in the order the client saw it. */
export interface WireEntry {
  dir: 'out' | 'in';
  message: SentMessage;
}

/**
 * Records both directions of `transport` from now on, in one ordered list: what the client sent
 * (wraps `send`, logged before it goes out) and what it received (wraps `messages$`, so call
 * this before the client connects).
 */
export function recordWire(transport: Transport): WireEntry[] {
  const wire: WireEntry[] = [];
  const send = transport.send.bind(transport);
  transport.send = (message: object) => {
    wire.push({ dir: 'out', message: JSON.parse(JSON.stringify(message)) as SentMessage });
    send(message);
  };
  (transport as { messages$: Observable<unknown> }).messages$ = transport.messages$.pipe(
    tap((message) => wire.push({ dir: 'in', message: message as SentMessage })),
  );
  return wire;
}

/** The scripted model and a temp CODEX_HOME pointing at it, without a client. */
export interface ModelHome {
  model: ScriptedModelServer;
  home: CodexHome;
  dispose(): Promise<void>;
}

/** Starts the scripted model and a temp CODEX_HOME (for tests that build their own client). */
export async function startModelHome(options: Pick<E2EOptions, 'steps' | 'home'> = {}): Promise<ModelHome> {
  const model = await ScriptedModelServer.start({ steps: options.steps });
  const home = await createCodexHome({ modelServerUrl: model.url, ...options.home });
  return {
    model,
    home,
    async dispose() {
      await model.close();
      await home.dispose();
    },
  };
}

/** One message written to the app-server. */
export type SentMessage = { id?: number | string; method?: string; params?: any; result?: any; error?: any };

/** True once no process with this id exists (`kill(pid, 0)` fails with ESRCH). */
export function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw e;
  }
}

/** Resolves once `pid` is gone; rejects after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!processGone(pid)) {
    if (Date.now() > deadline) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Retries `check` (an assertion) until it passes or `timeoutMs` runs out, then rethrows its error. */
export async function eventually(check: () => void, timeoutMs = 5000, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  }
}

/** The stats of an idle client or connection: every counter at zero. */
export const IDLE_STATS = Object.freeze({
  pendingRequests: 0,
  pendingServerRequests: 0,
  routes: 0,
  claimedThreads: 0,
  bufferedMessages: 0,
  trackedRequests: 0,
});

/** One conversational message of a Responses-API request body (instructions and context left out). */
export interface ConversationMessage {
  role: string;
  text: string;
}

/**
 * The user and assistant messages of a `POST /responses` body, in order: what the model was
 * shown as the conversation. Codex's own context messages (`<environment_context>`, instructions)
 * and developer messages are left out.
 */
export function conversation(body: { input: Array<Record<string, any>> }): ConversationMessage[] {
  const out: ConversationMessage[] = [];
  for (const item of body.input) {
    if (item.type !== 'message' || (item.role !== 'user' && item.role !== 'assistant')) continue;
    const text = (item.content as Array<{ type: string; text?: string }>)
      .filter((c) => c.type === 'input_text' || c.type === 'output_text')
      .map((c) => c.text ?? '')
      .join('');
    if (item.role === 'user' && text.startsWith('<')) continue; // <environment_context>, AGENTS.md…
    out.push({ role: item.role, text });
  }
  return out;
}

/**
 * Subscribes at once and records everything an Observable does, with waits on what it emitted:
 * for reading a live turn step by step.
 */
export class Recorder<T> {
  readonly values: T[] = [];
  readonly errors: unknown[] = [];
  completions = 0;
  /** `Date.now()` when the stream completed or errored. */
  endedAt?: number;
  private readonly subscription: Subscription;
  private readonly waiters = new Waiters();

  constructor(source: Observable<T>) {
    this.subscription = source.subscribe({
      next: (v) => {
        this.values.push(v);
        this.poke();
      },
      error: (e) => {
        this.errors.push(e);
        this.endedAt = Date.now();
        this.poke();
      },
      complete: () => {
        this.completions++;
        this.endedAt = Date.now();
        this.poke();
      },
    });
  }

  get ended(): boolean {
    return this.completions + this.errors.length > 0;
  }

  /** Resolves with the first value that matches (already received or to come). */
  waitFor(predicate: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
    return this.until(() => this.values.find(predicate), `a matching value (got ${this.values.length} values)`, timeoutMs);
  }

  /** Resolves once the stream completed or errored. */
  whenEnded(timeoutMs = 15_000): Promise<void> {
    return this.until(() => (this.ended ? true : undefined), 'the end of the stream', timeoutMs).then(() => undefined);
  }

  unsubscribe(): void {
    this.subscription.unsubscribe();
  }

  private until<R>(probe: () => R | undefined, what: string, timeoutMs: number): Promise<R> {
    return this.waiters.until(probe, timeoutMs, () => `Recorder: no ${what} within ${timeoutMs} ms; errors: ${this.errors.map(String).join('; ')}`);
  }

  private poke(): void {
    this.waiters.poke();
  }
}
