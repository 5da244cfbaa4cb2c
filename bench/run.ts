/**
 * `npm run bench`: every row, one table on stdout (progress on stderr), the same figures as JSON
 * in bench/results/latest.json. Each ratio is taken within this run, per round, over rounds in
 * which the contenders alternate; the table shows the median and [min–max].
 *
 *   npm run bench -- [--rounds N] [--e2e-rounds N] [--rows 1,2,3,4,5,6,7,8,9]
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchE2E } from './e2e.js';
import { benchGateway } from './gateway.js';
import { RESULTS_FILE } from './fixtures.js';
import { benchMemory } from './memory.js';
import { benchLatency, benchThroughput, loadTranscript } from './pipeline.js';
import { benchRouting } from './routing.js';
import { benchWsConversation } from './ws-e2e.js';
import { benchWsThroughput } from './ws-pipeline.js';
import type { Row } from './stats.js';

function machine() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    cpu = os.cpus()[0]?.model ?? cpu;
  }
  return { nproc: os.availableParallelism(), cpu, node: process.version, platform: `${process.platform}-${process.arch}`, memoryGiB: Math.round(os.totalmem() / 2 ** 30) };
}

function table(rows: Row[]): string {
  const cells = (r: Row) => [String(r.id), r.name, r.codexRx, r.reference, r.ratio, r.target, r.met === null ? '—' : r.met ? 'yes' : 'NO'];
  const head = ['#', 'benchmark', 'codex-rx', 'reference', 'ratio: median [min–max]', 'target', 'met'];
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  return [head, head.map(() => '---'), ...rows.map(cells)].map((c) => `| ${c.map(esc).join(' | ')} |`).join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rounds: { type: 'string', default: '7' }, 'e2e-rounds': { type: 'string', default: '6' }, rows: { type: 'string', default: '1,2,3,4,5,6,7,8,9' } },
  });
  const rounds = Number(values.rounds);
  const e2eRounds = Number(values['e2e-rounds']);
  const wanted = new Set(values.rows!.split(',').map(Number));
  const log = (line: string) => process.stderr.write(line + '\n');
  const started = Date.now();
  const info = { ...machine(), loadAverageAtStart: os.loadavg().map((l) => +l.toFixed(2)) };
  log(`bench: ${info.nproc} cores, ${info.cpu}, node ${info.node}; load average ${info.loadAverageAtStart.join(' ')}`);

  const rows: Row[] = [];
  // In-process rows first, while no app-server children are around.
  if (wanted.has(3) || wanted.has(6) || wanted.has(9)) {
    const transcript = await loadTranscript(undefined, log);
    if (wanted.has(3)) rows.push(await benchThroughput(transcript, rounds, log));
    if (wanted.has(6)) rows.push(await benchLatency(transcript, rounds, log));
    if (wanted.has(9)) rows.push(await benchWsThroughput(transcript, rounds, log));
  }
  // A routing round is short (~0.5 s) and its ratios are noisy: twice the rounds.
  if (wanted.has(4)) rows.push(await benchRouting(rounds * 2, log));
  if (wanted.has(5)) rows.push(await benchMemory(log));
  if (wanted.has(1) || wanted.has(2)) {
    const { rows: e2e } = await benchE2E(e2eRounds, log);
    for (const r of e2e) if (wanted.has(r.id)) rows.push(r);
  }
  if (wanted.has(7)) rows.push(await benchGateway(rounds, log));
  if (wanted.has(8)) rows.push(await benchWsConversation(e2eRounds, log));
  rows.sort((a, b) => a.id - b.id);

  const seconds = Math.round((Date.now() - started) / 1000);
  const result = { date: new Date().toISOString(), command: `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`, machine: { ...info, loadAverageAtEnd: os.loadavg().map((l) => +l.toFixed(2)) }, seconds, rounds, e2eRounds, table: table(rows), rows };
  mkdirSync(path.dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(table(rows) + '\n');
  log(`bench: ${seconds} s; figures in ${path.relative(process.cwd(), RESULTS_FILE)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
