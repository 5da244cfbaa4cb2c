/**
 * Row 7: what codex-rx/gateway adds. One real `codex app-server --listen ws://` (capability
 * token) against the scripted model; three clients in this process, each on its own connection
 * and thread:
 *   direct   ws straight to the app-server (Authorization: Bearer), the floor;
 *   gateway  ws to the gateway in its own process (bench/gateway-host.ts, as in production: the
 *            browser is elsewhere) → the SAME app-server;
 *   inproc   the same, with the gateway in this process: no extra process to wake per message,
 *            so what remains is the gateway's own work and its two extra socket hops;
 *   stdio    ws to the gateway host → its own `app-server --listen stdio://` (reported);
 *   relay    ws to a minimal ws→ws relay (no checks, no parse) in the gateway host's process →
 *            the SAME app-server: the floor any gateway pays (an extra process and two hops),
 *            so gateway/relay is what the checks, id rewriting and per-principal hub cost.
 * Per round, in alternating order: (a) per-message latency, LATENCY_REQUESTS sequential
 * `thread/loaded/list` round trips (p50/p99); (b) throughput, one turn streaming TURN_DELTAS
 * deltas (server→client messages per second, turn/start → turn/completed). Beside it: the
 * gateway process's CPU per relayed message, and what JSON.parse + JSON.stringify of the same
 * frames would cost (the gateway does neither on server→client frames).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { createCodexHome, message, ScriptedModelServer } from '../lib/testing/node/index.js';
import { resolveCodexBinary } from '../lib/transport/stdio-binary.js';
import { fmtRatio, fmtRate, now, percentileSorted, spread, median, type Row } from './stats.js';

const LATENCY_REQUESTS = 1000;
const TURN_DELTAS = 5000;
const TOKEN = 'bench-browser-token';
const SHARED_TOKEN = 'bench-shared-capability-token-0123456789';
type Contender = 'direct' | 'relay' | 'gateway' | 'inproc' | 'stdio';

/** A minimal JSON-RPC client over one WebSocket, counting what it receives. */
class WsClient {
  private readonly pending = new Map<number, (m: any) => void>();
  private nextId = 1;
  received = 0;
  /** One streamed delta frame as received (for the parse + stringify reference). */
  deltaFrame = '';
  onNotification?: (m: any) => void;
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.received++;
      const text = data.toString();
      const m = JSON.parse(text);
      if (m.id !== undefined && m.method === undefined) {
        this.pending.get(m.id)?.(m);
        this.pending.delete(m.id);
      } else {
        if (!this.deltaFrame && m.method === 'item/agentMessage/delta') this.deltaFrame = text;
        this.onNotification?.(m);
      }
    });
  }

  static open(url: string, options: WebSocket.ClientOptions, protocols: string[] = []): Promise<WsClient> {
    const socket = new WebSocket(url, protocols, { perMessageDeflate: false, ...options });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(new WsClient(socket)));
      socket.once('error', reject);
    });
  }

  request(method: string, params: unknown): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }

  async handshake(): Promise<string> {
    await this.request('initialize', { clientInfo: { name: 'gateway_bench', title: 'bench', version: '0.0.0' }, capabilities: { experimentalApi: true } });
    this.socket.send(JSON.stringify({ method: 'initialized' }));
    return (await this.request('thread/start', {})).thread.id;
  }

  /** Runs one turn; resolves with [ms from turn/start to turn/completed, messages received meanwhile]. */
  turn(threadId: string): Promise<[number, number]> {
    const before = this.received;
    const t0 = now();
    return new Promise((resolve, reject) => {
      this.onNotification = (m) => {
        if (m.method !== 'turn/completed') return;
        this.onNotification = undefined;
        if (m.params.turn.status !== 'completed') reject(new Error(`turn ${m.params.turn.status}`));
        else resolve([now() - t0, this.received - before]);
      };
      this.request('turn/start', { threadId, input: [{ type: 'text', text: 'stream', text_elements: [] }] }).catch(reject);
    });
  }

  close(): void {
    this.socket.close();
  }
}

/** Starts `codex app-server --listen ws://127.0.0.1:0 --ws-auth capability-token`; resolves with its URL. */
async function listeningAppServer(env: Record<string, string>, cwd: string, tokenFile: string): Promise<{ url: string; child: ChildProcess }> {
  const bin = resolveCodexBinary();
  const child = spawn(bin.path, ['app-server', '--listen', 'ws://127.0.0.1:0', '--ws-auth', 'capability-token', '--ws-token-file', tokenFile], {
    cwd,
    env: { ...process.env, ...env, PATH: [bin.extraPath, process.env.PATH].filter(Boolean).join(path.delimiter) },
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      const m = /listening on: (ws:\/\/127\.0\.0\.1:\d+)/.exec(err);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`app-server exited (${code}): ${err.slice(-500)}`)));
  });
  child.stderr!.resume();
  return { url, child };
}

/** The gateway host process; `cpu()` reads its CPU time (µs). */
async function gatewayHost(vars: Record<string, string>): Promise<{ url: string; cpu(): Promise<number>; close(): Promise<void> }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway-host.js');
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...vars }, stdio: ['pipe', 'pipe', 'inherit'] });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let partial = '';
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (d: string) => {
    const all = (partial + d).split('\n');
    partial = all.pop()!;
    lines.push(...all);
    for (const w of waiters.splice(0)) w();
  });
  const next = async (prefix: string) => {
    for (;;) {
      const i = lines.findIndex((l) => l.startsWith(prefix));
      if (i !== -1) return lines.splice(i, 1)[0].slice(prefix.length);
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const url = await next('URL=');
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return {
    url,
    async cpu() {
      child.stdin!.write('cpu\n');
      return Number(await next('CPU='));
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function inProcessHost(sharedUrl: string, home: { env: Record<string, string>; workspace: string }) {
  const { createCodexGateway } = await import('../lib/gateway/index.js');
  const gateway = createCodexGateway({
    allowedOrigins: ['http://bench.localhost'],
    authenticate: (req, token) => (token === TOKEN ? { id: req.url ?? '/' } : undefined),
    upstream: (req) => (req.url === '/shared' ? { url: sharedUrl, token: SHARED_TOKEN } : { env: home.env, cwd: home.workspace }),
    maxMessagesPerSecond: 1_000_000,
  });
  const { url } = await gateway.listen({ port: 0 });
  return { url, cpu: async () => { const c = process.cpuUsage(); return c.user + c.system; }, close: () => gateway.close() };
}

interface RoundFigures {
  p50: Record<Contender, number>;
  p99: Record<Contender, number>;
  rate: Record<Contender, number>;
  /** Gateway process CPU µs per relayed server→client message (gateway contender's turn). */
  gatewayCpuPerMessageUs: number;
}

export async function benchGateway(rounds: number, log: (line: string) => void): Promise<Row> {
  const model = await ScriptedModelServer.start({ defaultStep: message('x'.repeat(TURN_DELTAS), { chunks: TURN_DELTAS }) });
  const home = await createCodexHome({ modelServerUrl: model.url });
  const dir = mkdtempSync(path.join(tmpdir(), 'codex-rx-bench-gw-'));
  const tokenFile = path.join(dir, 'token');
  writeFileSync(tokenFile, SHARED_TOKEN, { mode: 0o600 });
  const server = await listeningAppServer(home.env, home.workspace, tokenFile);
  const inproc = await inProcessHost(server.url, home);
  const host = await gatewayHost({ GW_SHARED_URL: server.url, GW_SHARED_TOKEN: SHARED_TOKEN, GW_TOKEN: TOKEN, GW_STDIO_ENV: JSON.stringify(home.env), GW_STDIO_CWD: home.workspace });
  const protocols = ['codex-rx.v1', `codex-rx.bearer.${Buffer.from(TOKEN).toString('base64url')}`];
  const clients: Record<Contender, WsClient> = {
    direct: await WsClient.open(server.url, { headers: { Authorization: `Bearer ${SHARED_TOKEN}` } }),
    relay: await WsClient.open(`${host.url}/relay`, { origin: 'http://bench.localhost' }, protocols),
    gateway: await WsClient.open(`${host.url}/shared`, { origin: 'http://bench.localhost' }, protocols),
    inproc: await WsClient.open(`${inproc.url}/shared`, { origin: 'http://bench.localhost' }, protocols),
    stdio: await WsClient.open(`${host.url}/stdio`, { origin: 'http://bench.localhost' }, protocols),
  };
  const threads = {} as Record<Contender, string>;
  for (const c of Object.keys(clients) as Contender[]) threads[c] = await clients[c].handshake();
  const figures: RoundFigures[] = [];
  let parseStringifyUs = NaN;
  try {
    // Warm-up: one turn and a few round trips each.
    for (const c of Object.keys(clients) as Contender[]) {
      await clients[c].turn(threads[c]);
      for (let i = 0; i < 50; i++) await clients[c].request('thread/loaded/list', {});
    }
    // What parsing and re-serialising a streamed frame would cost, per message (not done by the gateway).
    const frame = clients.gateway.deltaFrame;
    const t0 = now();
    for (let i = 0; i < 20_000; i++) JSON.stringify(JSON.parse(frame));
    parseStringifyUs = ((now() - t0) * 1000) / 20_000;

    for (let r = 0; r < rounds; r++) {
      const order: Contender[] = r % 2 === 0 ? ['direct', 'relay', 'gateway', 'inproc', 'stdio'] : ['inproc', 'gateway', 'relay', 'direct', 'stdio'];
      const f: RoundFigures = { p50: {} as any, p99: {} as any, rate: {} as any, gatewayCpuPerMessageUs: NaN };
      for (const c of order) {
        const rtt = new Float64Array(LATENCY_REQUESTS);
        for (let i = 0; i < LATENCY_REQUESTS; i++) {
          const t = now();
          await clients[c].request('thread/loaded/list', {});
          rtt[i] = now() - t;
        }
        rtt.sort();
        f.p50[c] = percentileSorted(rtt, 50) * 1000;
        f.p99[c] = percentileSorted(rtt, 99) * 1000;
      }
      for (const c of order) {
        const cpu0 = c === 'gateway' ? await host.cpu() : 0;
        const [ms, messages] = await clients[c].turn(threads[c]);
        if (c === 'gateway') f.gatewayCpuPerMessageUs = ((await host.cpu()) - cpu0) / messages;
        f.rate[c] = (messages / ms) * 1000;
      }
      figures.push(f);
      log(`  gateway round ${r + 1}/${rounds}: p50 direct ${f.p50.direct.toFixed(0)} µs, relay ${f.p50.relay.toFixed(0)} µs, gateway ${f.p50.gateway.toFixed(0)} µs, in-process ${f.p50.inproc.toFixed(0)} µs, stdio ${f.p50.stdio.toFixed(0)} µs; turn ${fmtRate(f.rate.direct)} / ${fmtRate(f.rate.relay)} / ${fmtRate(f.rate.gateway)} / ${fmtRate(f.rate.inproc)} / ${fmtRate(f.rate.stdio)}; gateway CPU ${f.gatewayCpuPerMessageUs.toFixed(1)} µs/msg`);
    }
  } finally {
    for (const c of Object.values(clients)) c.close();
    await host.close();
    await inproc.close();
    server.child.kill('SIGTERM');
    await model.close();
    await home.dispose();
    rmSync(dir, { recursive: true, force: true });
  }

  const med = (pick: (f: RoundFigures) => number) => median(figures.map(pick));
  const p50Ratio = spread(figures.map((f) => f.p50.gateway / f.p50.direct));
  const rateRatio = spread(figures.map((f) => f.rate.gateway / f.rate.direct));
  const relayP50Ratio = spread(figures.map((f) => f.p50.gateway / f.p50.relay));
  const relayRateRatio = spread(figures.map((f) => f.rate.gateway / f.rate.relay));
  const stdioRatio = spread(figures.map((f) => f.p50.stdio / f.p50.direct));
  const inprocRatio = spread(figures.map((f) => f.p50.inproc / f.p50.direct));
  return {
    id: 7,
    name: `Gateway overhead (${LATENCY_REQUESTS} round trips + a ${TURN_DELTAS}-delta turn, real binary over ws)`,
    codexRx: `gateway (own process) → same app-server: p50 ${med((f) => f.p50.gateway).toFixed(0)} µs, p99 ${med((f) => f.p99.gateway).toFixed(0)} µs, ${fmtRate(med((f) => f.rate.gateway))}; in-process gateway: p50 ${med((f) => f.p50.inproc).toFixed(0)} µs; gateway → own stdio app-server: p50 ${med((f) => f.p50.stdio).toFixed(0)} µs, ${fmtRate(med((f) => f.rate.stdio))}; gateway CPU ${med((f) => f.gatewayCpuPerMessageUs).toFixed(1)} µs per relayed message (JSON.parse + stringify of a delta frame alone: ${parseStringifyUs.toFixed(1)} µs)`,
    reference: `minimal ws→ws relay (same host process, no checks): p50 ${med((f) => f.p50.relay).toFixed(0)} µs, p99 ${med((f) => f.p99.relay).toFixed(0)} µs, ${fmtRate(med((f) => f.rate.relay))}; direct ws: p50 ${med((f) => f.p50.direct).toFixed(0)} µs, p99 ${med((f) => f.p99.direct).toFixed(0)} µs, ${fmtRate(med((f) => f.rate.direct))}`,
    ratio: `p50 gateway/relay ${fmtRatio(relayP50Ratio, 2, '×')}; throughput gateway/relay ${fmtRatio(relayRateRatio, 2)}; p50 gateway/direct ${fmtRatio(p50Ratio, 2, '×')}; in-process/direct ${fmtRatio(inprocRatio, 2, '×')}; stdio/direct ${fmtRatio(stdioRatio, 2, '×')}; throughput gateway/direct ${fmtRatio(rateRatio, 2)}`,
    target: 'p50 gateway/relay ≤ 1.05×, throughput gateway/relay ≥ 1',
    met: relayP50Ratio.median <= 1.05 && relayRateRatio.median >= 1,
    data: { rounds, latencyRequests: LATENCY_REQUESTS, turnDeltas: TURN_DELTAS, parseStringifyUs, figures },
  };
}
