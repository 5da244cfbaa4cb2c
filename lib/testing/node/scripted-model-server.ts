/**
 * A scripted OpenAI Responses-API server for hermetic tests of the real `codex app-server`.
 *
 * Point a Codex model provider at {@link ScriptedModelServer.url} (see `createCodexHome`) and
 * every `POST /v1/responses` the binary makes consumes the next {@link ScriptedStep} from a
 * queue and is answered with a `text/event-stream` of Responses-API events. Steps are plain
 * data: what the "model" says, which tools it calls, how slowly, or how it fails.
 *
 * Node-only (uses `node:http`); ships as `codex-rx/testing/node`. What it sends is computed by
 * the pure `encodeStep()` (model/sse-encoder.ts).
 */
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { encodeStep, idCounter, toSseFrame } from '../model/sse-encoder.js';
import { message, type ScriptedStep } from '../model/steps.js';

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
  /** Picks the answer from the request itself (e.g. from the prompt), before the queue; `undefined` → the queue. */
  respond?: (request: RecordedRequest) => ScriptedStep | undefined;
}

/** The `/v1/models` body: empty in both the OpenAI (`data`) and Codex (`models`) shapes. */
const EMPTY_MODEL_LIST = JSON.stringify({ object: 'list', data: [], models: [] });

/** Opens a scripted Responses-API server on 127.0.0.1 with a random port. */
export class ScriptedModelServer {
  /** Every request received since start or the last `reset()`, in arrival order. */
  readonly requests: RecordedRequest[] = [];
  /** Answer used when the queue is empty; may be replaced at any time. */
  defaultStep: ScriptedStep;
  /** Consulted first for each `POST /responses` (see the option of that name); may be replaced at any time. */
  respond: ((request: RecordedRequest) => ScriptedStep | undefined) | undefined;

  private readonly queue: ScriptedStep[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly waiters: Array<{ count: number; resolve: () => void; reject: (e: Error) => void }> = [];
  private readonly model: string;
  private readonly ids = idCounter();
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly server: http.Server,
    /** TCP port on 127.0.0.1. */
    readonly port: number,
    opts: ScriptedModelServerOptions,
  ) {
    this.defaultStep = opts.defaultStep ?? message('Done.');
    this.respond = opts.respond;
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
        const step = this.respond?.(record) ?? this.queue.shift() ?? this.defaultStep;
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
    for (const event of encodeStep(step, { model: this.model, ids: this.ids })) {
      if (!first && delay > 0) await sleep(delay);
      first = false;
      if (gone) return;
      if (!res.write(toSseFrame(event))) {
        // Whichever fires first ends the wait; the other listener goes too (a long stream
        // would otherwise pile up 'close' listeners, one per full buffer).
        await new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
      }
    }
    if (!step.hang && !gone) res.end();
  }
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

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
