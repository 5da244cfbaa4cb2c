/**
 * A scripted OpenAI Responses-API server for hermetic tests of the real `codex app-server`.
 *
 * Point a Codex model provider at {@link ScriptedModelServer.url} (see `createCodexHome`) and
 * every `POST /v1/responses` the binary makes consumes the next {@link ScriptedStep} from a
 * queue and is answered with a `text/event-stream` of Responses-API events. Steps are plain
 * data: what the "model" says, which tools it calls, how slowly, or how it fails.
 *
 * Node-only (uses `node:http`); ships as the `codex-rx/testing` subpath.
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Where a message sits in the agent's answer (`phase` on the Responses-API message item). */
export type ScriptedMessagePhase = 'commentary' | 'partial_answer' | 'final_answer';

/** An assistant text message, streamed as `response.output_text.delta` events. */
export interface ScriptedMessage {
  /** Discriminator. */
  type: 'message';
  /** The complete text carried by the final `response.output_item.done` item. */
  text: string;
  /**
   * How the text is streamed: a number N splits `text` into N deltas of near-equal length;
   * an array is sent verbatim, one delta per entry. Default: one delta with the whole text.
   */
  chunks?: number | string[];
  /** Optional `phase` of the message item. */
  phase?: ScriptedMessagePhase;
  /** Item id; generated (`msg_<n>`) when omitted. */
  id?: string;
}

/** A JSON function-tool call (`type: "function_call"`), e.g. `exec_command`. */
export interface ScriptedFunctionCall {
  /** Discriminator. */
  type: 'function_call';
  /** Tool name as Codex registered it (see the `tools` of a recorded request body). */
  name: string;
  /** Arguments: a JSON string sent as-is, or a value that is JSON-encoded. */
  arguments: string | object;
  /** The `call_id` Codex echoes in its `function_call_output`; generated when omitted. */
  callId?: string;
  /** Item id; generated (`fc_<n>`) when omitted. */
  id?: string;
}

/** A freeform (custom) tool call (`type: "custom_tool_call"`), e.g. freeform `apply_patch`. */
export interface ScriptedCustomToolCall {
  /** Discriminator. */
  type: 'custom_tool_call';
  /** Tool name as Codex registered it. */
  name: string;
  /** Raw tool input (not JSON). */
  input: string;
  /** The `call_id` Codex echoes in its `custom_tool_call_output`; generated when omitted. */
  callId?: string;
  /** Item id; generated (`ctc_<n>`) when omitted. */
  id?: string;
}

/** A reasoning item whose summary is streamed as `response.reasoning_summary_text.delta`. */
export interface ScriptedReasoning {
  /** Discriminator. */
  type: 'reasoning';
  /** The summary text. */
  summary: string;
  /** Same meaning as {@link ScriptedMessage.chunks}, applied to `summary`. */
  chunks?: number | string[];
  /** Item id; generated (`rs_<n>`) when omitted. */
  id?: string;
}

/** One output item of a scripted response. */
export type ScriptedOutput =
  | ScriptedMessage
  | ScriptedFunctionCall
  | ScriptedCustomToolCall
  | ScriptedReasoning;

/** Token usage reported in `response.completed` (camelCase here, snake_case on the wire). */
export interface ScriptedUsage {
  /** Prompt tokens. Default 10. */
  inputTokens?: number;
  /** Of which cached. Default 0. */
  cachedInputTokens?: number;
  /** Completion tokens. Default: number of deltas and items emitted. */
  outputTokens?: number;
  /** Of which reasoning. Default 0. */
  reasoningOutputTokens?: number;
}

/** An HTTP failure instead of an event stream. */
export interface ScriptedHttpError {
  /** Status code, e.g. 500 or 429. */
  status: number;
  /** Response body; default: an OpenAI-style `{"error":{...}}` JSON. */
  body?: string;
  /** Extra response headers, e.g. `{ 'retry-after': '0' }`. */
  headers?: Record<string, string>;
}

/** A `response.failed` event sent after the output items (a failure mid-stream). */
export interface ScriptedStreamFailure {
  /** Error code in `response.error.code`, e.g. `"server_error"`. */
  code?: string;
  /** Error message in `response.error.message`. */
  message: string;
}

/** What the scripted model does for one `POST /responses`: plain data, consumed in order. */
export interface ScriptedStep {
  /** Output items, streamed in order. */
  output?: ScriptedOutput[];
  /** Usage to report on `response.completed`. */
  usage?: ScriptedUsage;
  /** Pause between consecutive SSE events (ms). Default 0. */
  delayMsBetweenEvents?: number;
  /** Answer with this HTTP error instead of a stream. */
  httpError?: ScriptedHttpError;
  /** End the stream with `response.failed` instead of `response.completed`. */
  fail?: ScriptedStreamFailure;
  /** Stream the output, then never finish (until the client disconnects or `close()`). */
  hang?: boolean;
}

/** One HTTP request the server received, in arrival order. */
export interface RecordedRequest {
  /** HTTP method. */
  method: string;
  /** Request path including the query string, e.g. `/v1/responses`. */
  path: string;
  /** Lower-cased request headers. */
  headers: http.IncomingHttpHeaders;
  /** Parsed JSON body, or `undefined` when the body is empty or not JSON. */
  body: any;
  /** Raw body text. */
  rawBody: string;
  /** `Date.now()` when the request was complete. */
  receivedAt: number;
  /** The step that answered it (`undefined` for non-`/responses` paths). */
  step?: ScriptedStep;
}

/** Options of {@link ScriptedModelServer.start}. */
export interface ScriptedModelServerOptions {
  /** Answer used when the queue is empty. Default: `message('Done.')`. */
  defaultStep?: ScriptedStep;
  /** Steps queued from the start. */
  steps?: ScriptedStep[];
  /** Model name echoed in `response.*` events. Default `"mock-model"`. */
  model?: string;
}

/** The `/v1/models` body: empty in both the OpenAI (`data`) and Codex (`models`) shapes. */
const EMPTY_MODEL_LIST = JSON.stringify({ object: 'list', data: [], models: [] });

/** Opens a scripted Responses-API server on 127.0.0.1 with a random port. */
export class ScriptedModelServer {
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Answer used when the queue is empty; may be replaced at any time. */
  defaultStep: ScriptedStep;

  private readonly queue: ScriptedStep[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<{ count: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly model: string;
  private nextId = 1;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: http.Server,
    /** TCP port on 127.0.0.1. */
    readonly port: number,
    opts: ScriptedModelServerOptions,
  ) {
    this.defaultStep = opts.defaultStep ?? message('Done.');
    this.model = opts.model ?? 'mock-model';
    this.queue.push(...(opts.steps ?? []));
  }

  /** Starts a server on 127.0.0.1:0 and resolves once it listens. */
  static async start(opts: ScriptedModelServerOptions = {}): Promise<ScriptedModelServer> {
    const server = http.createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const self = new ScriptedModelServer(server, port, opts);
    server.on('connection', (socket) => {
      self.sockets.add(socket);
      socket.once('close', () => self.sockets.delete(socket));
    });
    server.on('request', (req, res) => self.onRequest(req, res));
    return self;
  }

  /** Base URL for a Codex provider's `base_url`, e.g. `http://127.0.0.1:PORT/v1`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** Number of steps still queued. */
  get pending(): number {
    return this.queue.length;
  }

  /** Only the requests to `POST …/responses`, in arrival order. */
  get responseRequests(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && isResponsesPath(r.path));
  }

  /** Appends steps to the queue; each `POST /responses` consumes one. */
  enqueue(...steps: ScriptedStep[]): this {
    this.queue.push(...steps);
    return this;
  }

  /** Clears the queue and the recorded requests (the default step is kept). */
  reset(): void {
    this.queue.length = 0;
    this.requests.length = 0;
  }

  /** Resolves once at least `count` requests to `POST /responses` have been received. */
  waitForResponseRequests(count: number, timeoutMs = 10_000): Promise<RecordedRequest[]> {
    return new Promise<RecordedRequest[]>((resolve, reject) => {
      const done = () => resolve(this.responseRequests);
      if (this.responseRequests.length >= count) return done();
      const waiter = {
        count,
        resolve: () => {
          clearTimeout(timer);
          done();
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(
          new Error(
            `ScriptedModelServer: ${this.responseRequests.length} of ${count} /responses requests after ${timeoutMs} ms`,
          ),
        );
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Stops listening, destroys every open socket (hung streams included) and fails pending waits. Idempotent. */
  close(): Promise<void> {
    for (const w of this.waiters.splice(0)) w.reject(new Error('ScriptedModelServer closed'));
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
      this.sockets.clear();
    });
    return this.closing;
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const record: RecordedRequest = {
        method: req.method ?? 'GET',
        path: req.url ?? '/',
        headers: req.headers,
        body: parseJson(rawBody),
        rawBody,
        receivedAt: Date.now(),
      };
      this.requests.push(record);

      if (record.method === 'POST' && isResponsesPath(record.path)) {
        const step = this.queue.shift() ?? this.defaultStep;
        record.step = step;
        this.notifyWaiters();
        res.on('error', () => undefined); // the client may hang up mid-stream (e.g. turn/interrupt)
        this.answer(step, res).catch(() => res.destroy());
      } else if (record.method === 'GET' && pathOnly(record.path).endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(EMPTY_MODEL_LIST);
      } else {
        const body = errorBody(`No route for ${record.method} ${record.path}`, 'not_found');
        res.writeHead(404, { 'content-type': 'application/json' }).end(body);
      }
    });
  }

  private notifyWaiters(): void {
    const n = this.responseRequests.length;
    for (const w of [...this.waiters]) {
      if (n >= w.count) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  }

  private async answer(step: ScriptedStep, res: http.ServerResponse): Promise<void> {
    if (step.httpError) {
      const { status, body, headers } = step.httpError;
      res
        .writeHead(status, { 'content-type': 'application/json', ...headers })
        .end(body ?? errorBody(`Scripted HTTP ${status}`, 'server_error'));
      return;
    }
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    let gone = false;
    res.once('close', () => (gone = true));
    const delay = step.delayMsBetweenEvents ?? 0;
    let first = true;
    for (const event of this.events(step)) {
      if (!first && delay > 0) await sleep(delay);
      first = false;
      if (gone) return;
      const frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
      if (!res.write(frame)) {
        await new Promise<void>((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
      }
    }
    if (!step.hang && !gone) res.end();
  }

  /** The SSE events (each with its `type`) that answer one step, in order. */
  private *events(step: ScriptedStep): Generator<Record<string, unknown> & { type: string }> {
    const responseId = `resp_${this.nextId++}`;
    const base = { id: responseId, object: 'response', model: this.model, created_at: nowSeconds() };
    yield { type: 'response.created', response: { ...base, status: 'in_progress', output: [] } };

    const done: unknown[] = [];
    let emitted = 0;
    for (const [outputIndex, out] of (step.output ?? []).entries()) {
      const item = this.wireItem(out);
      switch (out.type) {
        case 'message': {
          const itemId = item.id as string;
          yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, content: [] } };
          const part = { type: 'output_text', text: '', annotations: [] };
          yield { type: 'response.content_part.added', item_id: itemId, output_index: outputIndex, content_index: 0, part };
          for (const delta of splitText(out.text, out.chunks)) {
            emitted++;
            yield { type: 'response.output_text.delta', item_id: itemId, output_index: outputIndex, content_index: 0, delta };
          }
          yield { type: 'response.output_text.done', item_id: itemId, output_index: outputIndex, content_index: 0, text: out.text };
          yield { type: 'response.content_part.done', item_id: itemId, output_index: outputIndex, content_index: 0, part: { ...part, text: out.text } };
          break;
        }
        case 'reasoning': {
          const itemId = item.id as string;
          yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...item, summary: [] } };
          yield { type: 'response.reasoning_summary_part.added', item_id: itemId, output_index: outputIndex, summary_index: 0, part: { type: 'summary_text', text: '' } };
          for (const delta of splitText(out.summary, out.chunks)) {
            emitted++;
            yield { type: 'response.reasoning_summary_text.delta', item_id: itemId, output_index: outputIndex, summary_index: 0, delta };
          }
          yield { type: 'response.reasoning_summary_text.done', item_id: itemId, output_index: outputIndex, summary_index: 0, text: out.summary };
          break;
        }
        case 'function_call':
        case 'custom_tool_call':
          emitted++;
          yield { type: 'response.output_item.added', output_index: outputIndex, item };
          break;
      }
      done.push(item);
      yield { type: 'response.output_item.done', output_index: outputIndex, item };
    }

    if (step.hang) return;
    if (step.fail) {
      const error = { code: step.fail.code ?? 'server_error', message: step.fail.message };
      yield { type: 'response.failed', response: { ...base, status: 'failed', output: done, error } };
      return;
    }
    yield {
      type: 'response.completed',
      response: { ...base, status: 'completed', output: done, usage: wireUsage(step.usage, emitted) },
    };
  }

  /** The Responses-API item for one scripted output (as in `response.output_item.done`). */
  private wireItem(out: ScriptedOutput): Record<string, unknown> {
    const n = this.nextId++;
    switch (out.type) {
      case 'message':
        return {
          type: 'message',
          id: out.id ?? `msg_${n}`,
          role: 'assistant',
          status: 'completed',
          content: [{ type: 'output_text', text: out.text, annotations: [] }],
          ...(out.phase ? { phase: out.phase } : {}),
        };
      case 'reasoning':
        return {
          type: 'reasoning',
          id: out.id ?? `rs_${n}`,
          summary: [{ type: 'summary_text', text: out.summary }],
        };
      case 'function_call':
        return {
          type: 'function_call',
          id: out.id ?? `fc_${n}`,
          call_id: out.callId ?? `call_${n}`,
          name: out.name,
          arguments: typeof out.arguments === 'string' ? out.arguments : JSON.stringify(out.arguments),
          status: 'completed',
        };
      case 'custom_tool_call':
        return {
          type: 'custom_tool_call',
          id: out.id ?? `ctc_${n}`,
          call_id: out.callId ?? `call_${n}`,
          name: out.name,
          input: out.input,
          status: 'completed',
        };
    }
  }
}

/** Options of {@link message}: the message's own fields plus the step's. */
export type MessageStepOptions = Omit<ScriptedMessage, 'type' | 'text'> & Omit<ScriptedStep, 'output'>;

/** Options of {@link functionCall}: the call's own fields plus the step's. */
export type FunctionCallStepOptions = Omit<ScriptedFunctionCall, 'type' | 'name' | 'arguments'> &
  Omit<ScriptedStep, 'output'>;

/** Options of {@link shellCommand}. */
export interface ShellCommandStepOptions extends FunctionCallStepOptions {
  /** `workdir` argument (default: the turn's cwd). */
  workdir?: string;
  /**
   * Ask to run outside the sandbox (`sandbox_permissions: "require_escalated"`) with this
   * justification. Under `approval_policy = "on-request"` this makes Codex send
   * `item/commandExecution/requestApproval`; a plain sandboxed command runs without asking.
   */
  escalate?: string;
  /** Further `exec_command` arguments (`tty`, `yield_time_ms`, …), merged last. */
  extraArgs?: Record<string, unknown>;
}

/** Options of {@link applyPatch}: the call's own fields plus the step's. */
export type ApplyPatchStepOptions = Omit<ScriptedCustomToolCall, 'type' | 'name' | 'input'> &
  Omit<ScriptedStep, 'output'>;

/** A step whose output is one assistant message. */
export function message(text: string, opts: MessageStepOptions = {}): ScriptedStep {
  const { chunks, phase, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedMessage>({ type: 'message', text, chunks, phase, id })] };
}

/** A step whose output is one function call (arguments given as a value or a JSON string). */
export function functionCall(name: string, args: string | object, opts: FunctionCallStepOptions = {}): ScriptedStep {
  const { callId, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedFunctionCall>({ type: 'function_call', name, arguments: args, callId, id })] };
}

/** A step calling Codex's shell tool: `exec_command` with `{"cmd": cmd, ...}`. */
export function shellCommand(cmd: string, opts: ShellCommandStepOptions = {}): ScriptedStep {
  const { workdir, escalate, extraArgs, ...rest } = opts;
  const args = compact({
    cmd,
    workdir,
    ...(escalate !== undefined ? { sandbox_permissions: 'require_escalated', justification: escalate } : {}),
    ...extraArgs,
  });
  return functionCall('exec_command', args, rest);
}

/**
 * A step calling Codex's freeform `apply_patch` tool with a patch in Codex's format
 * (`*** Begin Patch` … `*** End Patch`, paths relative to the turn's cwd). Codex offers that
 * tool only when the model's metadata asks for it, which `createCodexHome` arranges.
 */
export function applyPatch(patchText: string, opts: ApplyPatchStepOptions = {}): ScriptedStep {
  const { callId, id, ...step } = opts;
  return { ...step, output: [compact<ScriptedCustomToolCall>({ type: 'custom_tool_call', name: 'apply_patch', input: patchText, callId, id })] };
}

/** Drops keys whose value is `undefined`, so steps stay plain, comparable data. */
function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function wireUsage(usage: ScriptedUsage = {}, emitted: number): Record<string, unknown> {
  const input = usage.inputTokens ?? 10;
  const output = usage.outputTokens ?? Math.max(1, emitted);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: usage.cachedInputTokens ?? 0 },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: usage.reasoningOutputTokens ?? 0 },
    total_tokens: input + output,
  };
}

/** Splits text into deltas: `chunks` entries verbatim, or N near-equal pieces (by code point). */
function splitText(text: string, chunks: number | string[] | undefined): string[] {
  if (Array.isArray(chunks)) return chunks;
  const chars = Array.from(text);
  const n = Math.max(1, Math.min(chunks ?? 1, chars.length));
  const pieces: string[] = [];
  for (let i = 0; i < n; i++) {
    pieces.push(chars.slice(Math.floor((i * chars.length) / n), Math.floor(((i + 1) * chars.length) / n)).join(''));
  }
  return pieces;
}

function isResponsesPath(path: string): boolean {
  return pathOnly(path).endsWith('/responses');
}

function pathOnly(path: string): string {
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorBody(message: string, type: string): string {
  return JSON.stringify({ error: { message, type, code: type, param: null } });
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
