import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

import {
  ScriptedModelServer,
  applyPatch,
  createCodexHome,
  functionCall,
  message,
  resolveCodexBinary,
  shellCommand,
  type CodexHome,
} from '../../../lib/testing/node/index.js';
import { Waiters } from '../../support/waiters.js';

/** One parsed SSE frame. */
interface SseEvent {
  event: string;
  data: any;
}

function parseSse(text: string): SseEvent[] {
  return text
    .split('\n\n')
    .filter((frame) => frame.trim() !== '')
    .map((frame) => {
      const lines = frame.split('\n');
      const event = lines.find((l) => l.startsWith('event: '))!.slice('event: '.length);
      const data = JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice('data: '.length));
      return { event, data };
    });
}

async function postResponses(server: ScriptedModelServer, body: unknown = { model: 'mock-model' }): Promise<Response> {
  return fetch(`${server.url}/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

async function streamOf(server: ScriptedModelServer, body?: unknown): Promise<SseEvent[]> {
  const res = await postResponses(server, body);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream');
  return parseSse(await res.text());
}

const deltas = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'response.output_text.delta').map((e) => e.data.delta as string);
const doneItems = (events: SseEvent[]) =>
  events.filter((e) => e.event === 'response.output_item.done').map((e) => e.data.item);

describe('ScriptedModelServer over HTTP', () => {
  let server: ScriptedModelServer;

  beforeEach(async () => {
    server = await ScriptedModelServer.start();
  });
  afterEach(() => server.close());

  it('listens on 127.0.0.1 and exposes a /v1 base url', () => {
    expect(server.port).toBeGreaterThan(0);
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/v1`);
  });

  it('answers each POST with the next step, in order, as typed SSE frames', async () => {
    server.enqueue(message('first'), message('second'));
    expect(server.pending).toBe(2);

    const one = await streamOf(server);
    const two = await streamOf(server);

    expect(one.map((e) => e.event)).toEqual([
      'response.created',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    for (const e of one) expect(e.data.type).toBe(e.event);
    expect(doneItems(one)).toEqual([
      expect.objectContaining({ type: 'message', role: 'assistant', content: [expect.objectContaining({ type: 'output_text', text: 'first' })] }),
    ]);
    expect(doneItems(two)[0].content[0].text).toBe('second');
    expect(one[0].data.response.id).not.toBe(two[0].data.response.id);
    expect(server.pending).toBe(0);
  });

  it('answers with the configurable default step when the queue is empty', async () => {
    expect(doneItems(await streamOf(server))[0].content[0].text).toBe('Done.');
    server.defaultStep = message('fallback');
    expect(doneItems(await streamOf(server))[0].content[0].text).toBe('fallback');

    const custom = await ScriptedModelServer.start({ defaultStep: message('custom default'), steps: [message('queued')] });
    try {
      expect(doneItems(await streamOf(custom))[0].content[0].text).toBe('queued');
      expect(doneItems(await streamOf(custom))[0].content[0].text).toBe('custom default');
    } finally {
      await custom.close();
    }
  });

  it('splits a message into N deltas, or sends given chunks verbatim', async () => {
    const text = 'The quick brown fox jumps over the lazy dog';
    server.enqueue(message(text, { chunks: 5 }), message('ab', { chunks: ['a', 'b'] }), message('hi', { chunks: 10 }));

    const five = deltas(await streamOf(server));
    expect(five).toHaveLength(5);
    expect(five.join('')).toBe(text);
    expect(deltas(await streamOf(server))).toEqual(['a', 'b']);
    expect(deltas(await streamOf(server))).toEqual(['h', 'i']); // never more deltas than characters
  });

  it('carries message phase and several output items in one response', async () => {
    server.enqueue({
      output: [
        { type: 'reasoning', summary: 'thinking', chunks: 2 },
        { type: 'message', text: 'working', phase: 'commentary' },
        { type: 'message', text: 'answer', phase: 'final_answer' },
      ],
    });
    const events = await streamOf(server);
    const items = doneItems(events);
    expect(items.map((i) => i.type)).toEqual(['reasoning', 'message', 'message']);
    expect(items[0].summary).toEqual([{ type: 'summary_text', text: 'thinking' }]);
    expect(items.slice(1).map((i) => i.phase)).toEqual(['commentary', 'final_answer']);
    expect(events.filter((e) => e.event === 'response.reasoning_summary_text.delta')).toHaveLength(2);
    expect(events.at(-1)!.data.response.output).toEqual(items);
  });

  it('streams function calls with JSON-encoded arguments and call ids', async () => {
    server.enqueue(
      functionCall('exec_command', { cmd: 'ls' }, { callId: 'call_fixed' }),
      functionCall('custom_tool', '{"raw":true}'),
      shellCommand('echo hi', { escalate: 'needs network', workdir: '/tmp' }),
      applyPatch('*** Begin Patch\n*** End Patch\n'),
    );

    const [call] = doneItems(await streamOf(server));
    expect(call).toEqual(
      expect.objectContaining({ type: 'function_call', name: 'exec_command', call_id: 'call_fixed', arguments: '{"cmd":"ls"}' }),
    );
    const [raw] = doneItems(await streamOf(server));
    expect(raw.arguments).toBe('{"raw":true}');
    expect(raw.call_id).toMatch(/^call_/);
    const [shell] = doneItems(await streamOf(server));
    expect(shell.name).toBe('exec_command');
    expect(JSON.parse(shell.arguments)).toEqual({
      cmd: 'echo hi',
      workdir: '/tmp',
      sandbox_permissions: 'require_escalated',
      justification: 'needs network',
    });
    const [patch] = doneItems(await streamOf(server));
    expect(patch).toEqual(
      expect.objectContaining({ type: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** End Patch\n' }),
    );
  });

  it('reports usage in response.completed', async () => {
    server.enqueue(message('x', { usage: { inputTokens: 100, cachedInputTokens: 40, outputTokens: 7, reasoningOutputTokens: 3 } }));
    const completed = (await streamOf(server)).at(-1)!;
    expect(completed.event).toBe('response.completed');
    expect(completed.data.response.usage).toEqual({
      input_tokens: 100,
      input_tokens_details: { cached_tokens: 40 },
      output_tokens: 7,
      output_tokens_details: { reasoning_tokens: 3 },
      total_tokens: 107,
    });
  });

  it('ends the stream with response.failed for a scripted mid-stream failure', async () => {
    server.enqueue(message('partial', { fail: { message: 'boom' } }));
    const events = await streamOf(server);
    expect(events.map((e) => e.event)).not.toContain('response.completed');
    expect(events.at(-1)).toEqual({
      event: 'response.failed',
      data: expect.objectContaining({ response: expect.objectContaining({ status: 'failed', error: { code: 'server_error', message: 'boom' } }) }),
    });
  });

  it('answers a scripted HTTP error instead of a stream', async () => {
    server.enqueue({ httpError: { status: 500 } }, { httpError: { status: 429, body: 'slow down', headers: { 'retry-after': '7' } } });

    const first = await postResponses(server);
    expect(first.status).toBe(500);
    expect((await first.json()).error.message).toContain('500');
    const second = await postResponses(server);
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('7');
    expect(await second.text()).toBe('slow down');
  });

  it('waits delayMsBetweenEvents between frames', async () => {
    server.enqueue(message('abcd', { chunks: 4, delayMsBetweenEvents: 20 }));
    const started = Date.now();
    const events = await streamOf(server);
    // 4 deltas + 7 other frames = 11 frames, 10 gaps of 20 ms.
    expect(events).toHaveLength(11);
    expect(Date.now() - started).toBeGreaterThanOrEqual(10 * 20 - 5);
  });

  it('records every request: path, parsed body, time, and the step that answered it', async () => {
    const step = message('recorded');
    server.enqueue(step);
    const before = Date.now();
    await streamOf(server, { model: 'mock-model', input: [{ type: 'message', role: 'user', content: 'hello' }] });
    const notFound = await fetch(`${server.url}/nope`, { method: 'POST', body: 'not json' });

    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests;
    expect(first).toEqual(
      expect.objectContaining({
        method: 'POST',
        path: '/v1/responses',
        body: { model: 'mock-model', input: [{ type: 'message', role: 'user', content: 'hello' }] },
        step,
      }),
    );
    expect(first.receivedAt).toBeGreaterThanOrEqual(before);
    expect(first.headers['content-type']).toBe('application/json');
    expect(second).toEqual(expect.objectContaining({ path: '/v1/nope', rawBody: 'not json', body: undefined }));
    expect(notFound.status).toBe(404);
    expect(server.responseRequests).toEqual([first]);
  });

  it('lets respond(request) pick the answer from the request before the queue', async () => {
    server.enqueue(message('queued'));
    server.respond = (request) => (/decline/.test(JSON.stringify(request.body)) ? message('declining') : undefined);
    const picked = doneItems(await streamOf(server, { input: 'please decline' }));
    expect(picked[0].content[0].text).toBe('declining');
    const fromQueue = doneItems(await streamOf(server, { input: 'other' }));
    expect(fromQueue[0].content[0].text).toBe('queued');
    expect(server.responseRequests.map((r) => (r.step?.output?.[0] as { text: string }).text)).toEqual(['declining', 'queued']);
  });

  it('answers GET /v1/models with an empty list', async () => {
    const res = await fetch(`${server.url}/models`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ object: 'list', data: [], models: [] });
  });

  it('reset() clears the queue and the recorded requests', async () => {
    server.enqueue(message('a'), message('b'));
    await streamOf(server);
    server.reset();
    expect(server.pending).toBe(0);
    expect(server.requests).toEqual([]);
    expect(doneItems(await streamOf(server))[0].content[0].text).toBe('Done.');
  });

  it('waitForResponseRequests resolves once enough requests arrived, and rejects on timeout', async () => {
    const waiting = server.waitForResponseRequests(2);
    await streamOf(server);
    await streamOf(server);
    await expect(waiting).resolves.toHaveLength(2);
    await expect(server.waitForResponseRequests(3, 50)).rejects.toThrow('2 of 3');
    const pending = server.waitForResponseRequests(3);
    await server.close();
    await expect(pending).rejects.toThrow('closed');
  });

  it('keeps a hung stream open until close(), which ends it promptly', async () => {
    server.enqueue(message('never finishes', { chunks: 3, hang: true }));
    const res = await postResponses(server);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    while (!text.includes('response.output_item.done')) {
      const { value, done } = await reader.read();
      if (done) throw new Error('stream ended early');
      text += decoder.decode(value, { stream: true });
    }
    // Nothing else arrives while the step hangs.
    const more = await Promise.race([reader.read().then(() => 'data'), sleep(150).then(() => 'quiet')]);
    expect(more).toBe('quiet');

    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(readToEnd(reader)).rejects.toThrow('terminated'); // cut, not a clean end
    expect(text).not.toContain('response.completed');
    await server.close(); // idempotent
  });
});

describe('resolveCodexBinary (the one codex-rx uses, re-exported)', () => {
  it('finds the vendored native binary of @openai/codex', async () => {
    const bin = resolveCodexBinary().path;
    expect(bin).toMatch(/vendor[\\/][^\\/]+[\\/]bin[\\/]codex(\.exe)?$/);
    await expect(fs.access(bin)).resolves.toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// End to end: the real `codex app-server`, spoken to by hand (raw JSONL JSON-RPC, no "jsonrpc").

interface RpcMessage {
  id?: number | string;
  method?: string;
  params?: any;
  result?: any;
  error?: { code: number; message: string };
}

/** Just enough JSON-RPC to drive one thread by hand; not a client. */
class RawAppServer {
  readonly received: RpcMessage[] = [];
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private nextId = 1;
  private stderr = '';
  private readonly waiters = new Waiters();

  constructor(
    bin: string,
    env: Record<string, string>,
    cwd: string,
    /** Answers server→client requests (approvals); result object per request. */
    private readonly answer: (request: RpcMessage) => unknown = () => ({ decision: 'decline' }),
  ) {
    this.child = spawn(bin, ['app-server', '--listen', 'stdio://'], { env: { ...process.env, ...env }, cwd });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-4000)));
    this.child.stdout.on('data', (d: Buffer) => this.onData(d.toString()));
  }

  send(message: RpcMessage): void {
    this.child.stdin.write(JSON.stringify(message) + '\n');
  }

  async request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    this.send({ id, method, params });
    const reply = await this.waitFor((m) => m.id === id && m.method === undefined);
    if (reply.error) throw new Error(`${method} failed: ${reply.error.message}`);
    return reply.result;
  }

  waitFor(predicate: (m: RpcMessage) => boolean, timeoutMs = 15_000): Promise<RpcMessage> {
    return this.waiters.until(
      () => this.received.find(predicate),
      timeoutMs,
      () => `timed out; received ${this.received.map((m) => m.method ?? `#${m.id}`).join(', ')}\n${this.stderr}`,
    );
  }

  async initialize(): Promise<any> {
    const result = await this.request('initialize', {
      clientInfo: { name: 'codex_rx_spec', title: 'codex-rx spec', version: '0.0.0' },
      capabilities: { experimentalApi: true },
    });
    this.send({ method: 'initialized' });
    return result;
  }

  /** Starts a thread in `cwd`, runs one turn with `text`, resolves with its turn/completed params. */
  async runTurn(cwd: string, text: string): Promise<{ turnId: string; completed: any }> {
    const { thread } = await this.request('thread/start', { cwd });
    const { turn } = await this.request('turn/start', { threadId: thread.id, input: [{ type: 'text', text }] });
    const completed = await this.waitFor((m) => m.method === 'turn/completed' && m.params.turn.id === turn.id);
    return { turnId: turn.id, completed: completed.params };
  }

  notifications(method: string, turnId: string): any[] {
    return this.received.filter((m) => m.method === method && m.id === undefined && m.params.turnId === turnId).map((m) => m.params);
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin.end();
      this.child.kill('SIGTERM');
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let newline: number;
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline);
      this.buffer = this.buffer.slice(newline + 1);
      if (!line.trim()) continue;
      const message = JSON.parse(line) as RpcMessage;
      this.received.push(message);
      if (message.method !== undefined && message.id !== undefined) {
        this.send({ id: message.id, result: this.answer(message) });
      }
    }
    this.waiters.poke();
  }
}

describe('real codex app-server against the scripted model', () => {
  let server: ScriptedModelServer;
  let home: CodexHome | undefined;
  let app: RawAppServer | undefined;
  const bin = resolveCodexBinary().path;

  beforeEach(async () => {
    server = await ScriptedModelServer.start();
  });
  afterEach(async () => {
    await app?.close();
    await server.close();
    await home?.dispose();
    app = undefined;
    home = undefined;
  });

  async function boot(approvalPolicy: 'never' | 'on-request', answer?: (r: RpcMessage) => unknown) {
    home = await createCodexHome({ modelServerUrl: server.url, approvalPolicy });
    app = new RawAppServer(bin, home.env, home.workspace, answer);
    await app.initialize();
    return { app, home };
  }

  it('streams the scripted text as item/agentMessage/delta and completes the turn', async () => {
    const text = 'Hello from the scripted model, streamed in many small pieces.';
    server.enqueue(message(text, { chunks: 12 }));
    const { app, home } = await boot('never');

    const { turnId, completed } = await app.runTurn(home.workspace, 'hi');

    const streamed = app.notifications('item/agentMessage/delta', turnId).map((p) => p.delta);
    expect(streamed).toHaveLength(12);
    expect(streamed.join('')).toBe(text);
    expect(completed.turn.status).toBe('completed');
    expect(completed.turn.error).toBeNull();
    const finished = app.notifications('item/completed', turnId).map((p) => p.item);
    expect(finished).toContainEqual(expect.objectContaining({ type: 'agentMessage', text }));

    // What Codex sent the model: our model name, the user's text, and the tools it offers.
    expect(server.responseRequests).toHaveLength(1);
    const body = server.responseRequests[0].body;
    expect(body.model).toBe('mock-model');
    expect(body.stream).toBe(true);
    expect(JSON.stringify(body.input.at(-1))).toContain('"hi"');
    const toolNames = body.tools.map((t: { name?: string }) => t.name);
    expect(toolNames).toEqual(expect.arrayContaining(['exec_command', 'apply_patch']));
  });

  it.each([
    ['accept', 'completed', 'hello-from-exec'],
    ['decline', 'declined', 'rejected by user'],
  ])('asks to approve an escalated exec_command under on-request; %s', async (decision, itemStatus, toolOutput) => {
    server.enqueue(shellCommand('echo hello-from-exec', { escalate: 'Print a greeting', callId: 'call_exec' }), message('Ran it.'));
    const { app, home } = await boot('on-request', () => ({ decision }));

    const { turnId, completed } = await app.runTurn(home.workspace, 'run it');

    const approval = app.received.find((m) => m.method === 'item/commandExecution/requestApproval')!;
    expect(approval.params).toEqual(
      expect.objectContaining({ kind: 'command', turnId, itemId: 'call_exec', reason: 'Print a greeting', cwd: home.workspace }),
    );
    expect(approval.params.command).toContain('echo hello-from-exec');
    const item = app.notifications('item/completed', turnId).find((p) => p.item.type === 'commandExecution').item;
    expect(item.status).toBe(itemStatus);
    expect(completed.turn.status).toBe('completed');

    // The tool result went back to the model in the next request.
    expect(server.responseRequests).toHaveLength(2);
    const output = server.responseRequests[1].body.input.find(
      (i: { type: string; call_id?: string }) => i.type === 'function_call_output' && i.call_id === 'call_exec',
    );
    expect(output.output).toContain(toolOutput);
  });

  it('applies a freeform apply_patch after a file-change approval', async () => {
    server.enqueue(applyPatch('*** Begin Patch\n*** Add File: hello.txt\n+Hello from patch\n*** End Patch\n'), message('Patched.'));
    const { app, home } = await boot('on-request', () => ({ decision: 'accept' }));

    const { turnId, completed } = await app.runTurn(home.workspace, 'patch it');

    const approval = app.received.find((m) => m.method === 'item/fileChange/requestApproval')!;
    expect(approval.params).toEqual(expect.objectContaining({ turnId, itemId: expect.any(String) }));
    expect(completed.turn.status).toBe('completed');
    expect(await fs.readFile(path.join(home.workspace, 'hello.txt'), 'utf8')).toBe('Hello from patch\n');
  });

  it('fails the turn when the model answers HTTP 500', async () => {
    server.enqueue({ httpError: { status: 500 } });
    const { app, home } = await boot('never');

    const { turnId, completed } = await app.runTurn(home.workspace, 'hi');

    expect(completed.turn.status).toBe('failed');
    expect(completed.turn.error).toEqual(expect.objectContaining({ codexErrorInfo: 'internalServerError' }));
    expect(app.notifications('error', turnId)).toEqual([expect.objectContaining({ willRetry: false })]);
    expect(server.responseRequests).toHaveLength(1); // request_max_retries = 0
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Reads until the stream ends; rejects if the connection is cut instead. */
async function readToEnd(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<void> {
  for (;;) {
    const { done } = await reader.read();
    if (done) return;
  }
}
