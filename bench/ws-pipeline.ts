/**
 * Row 9: pipeline throughput over WebSocket. The recorded 100k-delta turn (row 3's transcript)
 * comes from a `ws` server in its own process (bench/ws-replay-host.ts), one text frame per
 * line. Timed, in this process's CPU time (the server's work is in the other process):
 *   codex-rx  `new Codex({ url })` (WebSocketTransport → Connection → turn routing →
 *             toTurnResult()), from `thread.run('hi')` to the emitted TurnResult; the handshake
 *             and thread/start are untimed, on the same connection;
 *   floor     a bare `ws` client on its own connection: send turn/start, `JSON.parse` every
 *             frame until the last one — the least any JSON-RPC client over ws does.
 * Beside it (reported): `JSON.parse` of the same lines in memory, with no socket at all.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lastValueFrom } from 'rxjs';
import WebSocket from 'ws';
import { Codex, type TurnResult } from '../lib/node/index.js';
import type { Transcript } from './pipeline.js';
import { fmtRate, fmtRatio, spread, startClock, type Elapsed, type Row } from './stats.js';

async function replayHost(): Promise<{ url: string; close(): Promise<void> }> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'ws-replay-host.js');
  const child = spawn(process.execPath, [script], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      out += d;
      const m = /^URL=(\S+)$/m.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`ws-replay-host exited (${code})`)));
  });
  return {
    url,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}

async function rxOnce(url: string, t: Transcript): Promise<Elapsed> {
  const codex = new Codex({ url });
  try {
    const thread = await lastValueFrom(codex.threadStart());
    const stop = startClock();
    const result: TurnResult = await lastValueFrom(thread.run('hi'));
    const elapsed = stop();
    if (result.finalResponse !== t.finalText || result.status !== 'completed') throw new Error('ws replay did not produce the recorded TurnResult');
    const s = codex.stats;
    if (s.routes !== 0 || s.claimedThreads !== 0 || s.bufferedMessages !== 0 || s.pendingRequests !== 0) throw new Error(`state left after the turn: ${JSON.stringify(s)}`);
    return elapsed;
  } finally {
    await codex.close();
  }
}

async function floorOnce(url: string, t: Transcript): Promise<Elapsed> {
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  try {
    let stop: () => Elapsed = () => ({ wall: NaN, cpu: NaN });
    const done = new Promise<Elapsed>((resolve, reject) => {
      let count = 0;
      let methods = 0;
      socket.on('message', (data: Buffer) => {
        const m = JSON.parse(data.toString());
        if (m.method !== undefined) methods++;
        if (++count === t.messages) {
          const elapsed = stop();
          if (methods === 0) reject(new Error('floor parsed nothing'));
          else resolve(elapsed);
        }
      });
      socket.once('close', () => reject(new Error(`floor: connection closed after ${count} of ${t.messages} frames`)));
    });
    stop = startClock();
    socket.send(JSON.stringify({ id: 3, method: 'turn/start', params: { threadId: 'x', input: [{ type: 'text', text: 'hi', text_elements: [] }] } }));
    return await done;
  } finally {
    socket.close();
  }
}

/** JSON.parse of the same lines, in memory: no socket (reported). */
function memoryOnce(lines: readonly string[]): Elapsed {
  let methods = 0;
  const stop = startClock();
  for (const line of lines) if (JSON.parse(line).method !== undefined) methods++;
  const elapsed = stop();
  if (methods === 0) throw new Error('parsed nothing');
  return elapsed;
}

export async function benchWsThroughput(t: Transcript, rounds: number, log: (l: string) => void): Promise<Row> {
  const decoder = new TextDecoder();
  const lines = t.lines.map((l) => decoder.decode(l).trimEnd());
  const host = await replayHost();
  const rx: Elapsed[] = [];
  const floor: Elapsed[] = [];
  const memory: Elapsed[] = [];
  try {
    await rxOnce(host.url, t); // warm-up + checks
    await floorOnce(host.url, t);
    memoryOnce(lines);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? ['floor', 'rx', 'memory'] : ['rx', 'floor', 'memory'];
      for (const which of order) {
        if (which === 'rx') rx.push(await rxOnce(host.url, t));
        else if (which === 'floor') floor.push(await floorOnce(host.url, t));
        else memory.push(memoryOnce(lines));
      }
      log(`  ws throughput round ${r + 1}/${rounds}: codex-rx ${rate(rx[r].cpu)} (wall ${rate(rx[r].wall)}), ws + JSON.parse floor ${rate(floor[r].cpu)} (wall ${rate(floor[r].wall)}), JSON.parse in memory ${rate(memory[r].cpu)}`);
    }
  } finally {
    await host.close();
  }
  const ratio = spread(rx.map((v, i) => floor[i].cpu / v.cpu));
  const wallRatio = spread(rx.map((v, i) => floor[i].wall / v.wall));
  const memoryRatio = spread(rx.map((v, i) => memory[i].cpu / v.cpu));
  const med = (xs: Elapsed[]) => rate(spread(xs.map((e) => e.cpu)).median);
  return {
    id: 9,
    name: `Pipeline throughput over ws (recorded turn, ${t.deltas.toLocaleString('en-US')} deltas, one frame per message, server in its own process)`,
    codexRx: med(rx),
    reference: `floor = bare ws client + JSON.parse ${med(floor)}; JSON.parse in memory (no socket) ${med(memory)}`,
    ratio: `rx/floor ${fmtRatio(ratio, 2)} (wall ${fmtRatio(wallRatio, 2)}); rx/in-memory parse ${fmtRatio(memoryRatio, 2)}`,
    target: 'rx/floor ≥ 0.70',
    met: ratio.median >= 0.7,
    data: { rounds, messages: t.messages, deltas: t.deltas, rxMs: rx, wsParseFloorMs: floor, memoryParseMs: memory, ratioCpu: ratio, ratioWall: wallRatio, ratioInMemory: memoryRatio },
  };

  function rate(ms: number): string {
    return fmtRate(t.messages / (ms / 1000));
  }
}
