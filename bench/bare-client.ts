/**
 * The floor for the end-to-end rows: a bare, hand-written JSON-RPC client over
 * `codex app-server --listen stdio://`. Spawn, JSONL, initialize/initialized, thread/start,
 * turn/start, wait for turn/completed. No validation, no routing table, no Observables.
 */
import { spawn, type ChildProcess } from 'node:child_process';

type Message = { id?: number; method?: string; params?: any; result?: any; error?: { code: number; message: string } };

export class BareClient {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, { resolve: (r: any) => void; reject: (e: Error) => void }>();
  private readonly turnWaiters = new Map<string, (turn: any) => void>();
  private readonly completed = new Map<string, any>(); // turn/completed that beat its turn/start answer
  private nextId = 1;
  private partial = '';

  constructor(bin: string, opts: { env: NodeJS.ProcessEnv; cwd: string }) {
    this.child = spawn(bin, ['app-server', '--listen', 'stdio://'], { cwd: opts.cwd, env: opts.env, stdio: ['pipe', 'pipe', 'ignore'] });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (text: string) => {
      const lines = (this.partial + text).split('\n');
      this.partial = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') this.onMessage(JSON.parse(line));
    });
    this.child.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('app-server exited'));
      this.pending.clear();
    });
  }

  async initialize(): Promise<void> {
    // Same handshake as codex-rx sends, so the server does the same work for both.
    const capabilities = { experimentalApi: true, requestAttestation: false };
    await this.request('initialize', { clientInfo: { name: 'bare_bench', title: 'bare', version: '0.0.0' }, capabilities });
    this.write({ method: 'initialized' });
  }

  async threadStart(): Promise<string> {
    return (await this.request('thread/start', {})).thread.id;
  }

  /** One turn: resolves with the `turn` of its turn/completed. */
  async turn(threadId: string, text: string): Promise<any> {
    const started = await this.request('turn/start', { threadId, input: [{ type: 'text', text, text_elements: [] }] });
    const id: string = started.turn.id;
    const early = this.completed.get(id);
    if (early) return this.completed.delete(id), early;
    return new Promise((resolve) => this.turnWaiters.set(id, resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.kill('SIGTERM');
    });
  }

  private request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.write({ id, method, params });
    });
  }

  private write(message: Message): void {
    this.child.stdin!.write(JSON.stringify(message) + '\n');
  }

  private onMessage(m: Message): void {
    if (m.method === undefined && m.id !== undefined) {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error) p?.reject(new Error(m.error.message));
      else p?.resolve(m.result);
    } else if (m.method === 'turn/completed') {
      const turn = m.params.turn;
      const waiter = this.turnWaiters.get(turn.id);
      if (waiter) this.turnWaiters.delete(turn.id), waiter(turn);
      else this.completed.set(turn.id, turn);
    } else if (m.id !== undefined && m.method !== undefined) {
      this.write({ id: m.id, error: { code: -32601, message: 'bare client answers no server requests' } });
    }
  }
}
