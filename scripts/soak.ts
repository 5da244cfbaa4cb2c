/**
 * `npm run soak [-- TURNS]`: runs TURNS (default 500) turns through one Codex over the REAL
 * `codex app-server` (scripted model on 127.0.0.1, temp CODEX_HOME), 25 turns per thread, and
 * prints the Node process's RSS and heap (after a full gc) at start, middle and end, the app-server's RSS, and how
 * many codex child processes this process has (exactly one, all along). Exits non-zero when a
 * turn fails, a counter of `codex.stats` is not back at zero, or the child count is not one.
 * Not part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import { firstValueFrom, lastValueFrom } from 'rxjs';
import { Codex } from '../lib/codex.js';
import { StdioTransport } from '../lib/transport/stdio-transport.js';
import { createCodexHome, message, ScriptedModelServer } from '../lib/testing/node/index.js';
import { childPids, commandLine } from '../spec/support/processes.js';
import { exposeGc } from '../spec/support/gc.js';

const TURNS = Number(process.argv[2] ?? 500);
const TURNS_PER_THREAD = 25;

/** Child processes of this process whose command line mentions codex (Linux /proc). */
function codexChildren(): number[] {
  return childPids().filter((pid) => commandLine(pid).includes('codex'));
}

function rssOf(pid: number | undefined): string {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? `${(Number(kb) / 1024).toFixed(1)} MB` : 'n/a';
  } catch {
    return 'n/a';
  }
}

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

async function main(): Promise<number> {
  if (process.platform !== 'linux') console.warn('soak: child counting reads /proc (Linux only)');
  const model = await ScriptedModelServer.start({ defaultStep: message('pong', { chunks: 3 }) });
  const home = await createCodexHome({ modelServerUrl: model.url });
  const transport = new StdioTransport({ env: home.env, cwd: home.workspace });
  const codex = new Codex({ transport });
  const rows: string[][] = [];
  let failures = 0;
  let worstChildCount = 0;
  const gc = exposeGc();
  const sample = (label: string, turns: number) => {
    gc?.();
    const m = process.memoryUsage();
    const children = codexChildren();
    worstChildCount = Math.max(worstChildCount, children.length);
    if (children.length !== 1) failures++;
    rows.push([label, String(turns), mb(m.rss), mb(m.heapUsed), rssOf(transport.pid), String(children.length)]);
  };

  try {
    await firstValueFrom(codex.connect());
    const started = Date.now();
    let done = 0;
    let thread = await firstValueFrom(codex.threadStart());
    sample('start', 0);
    for (let i = 1; i <= TURNS; i++) {
      if ((i - 1) % TURNS_PER_THREAD === 0 && i > 1) {
        thread = await firstValueFrom(codex.threadStart());
        model.reset(); // the model server records every request: keep the harness itself flat
      }
      const result = await lastValueFrom(thread.run(`turn ${i}`));
      if (result.status !== 'completed' || result.finalResponse !== 'pong') {
        failures++;
        console.error(`turn ${i}: ${result.status} ${JSON.stringify(result.finalResponse)}`);
      }
      done++;
      if (i === Math.floor(TURNS / 2)) sample('middle', i);
    }
    sample('end', done);
    const elapsed = (Date.now() - started) / 1000;
    const stats = codex.stats;
    const idle = Object.values(stats).every((v) => v === 0);
    if (!idle) failures++;

    const header = ['point', 'turns', 'node RSS', 'node heapUsed', 'app-server RSS', 'codex children'];
    const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
    const line = (r: string[]) => r.map((v, c) => v.padEnd(widths[c])).join('  ');
    console.log(
      `soak: ${done} turns over the real codex app-server in ${elapsed.toFixed(1)} s (${(done / elapsed).toFixed(1)} turns/s); heap after ${gc ? 'a full gc()' : 'no gc (not exposed)'}`,
    );
    console.log(line(header));
    for (const r of rows) console.log(line(r));
    console.log(`stats at the end: ${JSON.stringify(stats)}${idle ? ' (all zero)' : ' (NOT ZERO)'}`);
    console.log(`codex child processes: ${worstChildCount === 1 ? 'exactly one throughout' : `up to ${worstChildCount}`}`);
  } finally {
    await codex.close();
    await model.close();
    await home.dispose();
  }
  const after = codexChildren().length;
  console.log(`codex child processes after close(): ${after}`);
  if (after !== 0) failures++;
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
