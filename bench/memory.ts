/**
 * Row 5: memory of one turn of 1,000,000 `item/agentMessage/delta` notifications, written as
 * JSONL through InMemoryTransport.write() (framing + JSON.parse, 1,000 lines per chunk), then
 * item/completed (the full text), thread/tokenUsage/updated and turn/completed (whose
 * turn.items repeats the text, as the real server does). Consumed once with run() (the
 * TurnResult is kept) and once with turn() (a counting subscriber). Needs node --expose-gc.
 *
 *  - peak: the highest heapUsed while the deltas stream (sampled every 10,000 lines, no GC
 *    forced), above the heap after setup;
 *  - live growth: heapUsed after a forced GC at 10 %, 20 % … 100 % of the deltas — anything the
 *    client kept per notification would show here (≥ 40 bytes × 900,000 = 36 MB);
 *  - retained: heapUsed after completion and a forced GC (once the task that wrote the last
 *    lines has ended), above the heap before the client existed — with run() that is the
 *    TurnResult, whose finalResponse and items[0].text are one string: compared with the final
 *    text; with turn() nothing should remain.
 */
import { lastValueFrom } from 'rxjs';
import { Codex, type TurnResult } from '../lib/node/index.js';
import { InMemoryTransport } from '../lib/testing/index.js';
import { fmtBytes, type Row } from './stats.js';

export const MEMORY_DELTAS = 1_000_000;
const BATCH = 1_000;
const THREAD = 'thread-mem';
const TURN = 'turn-mem';

interface MemoryFigures {
  mode: 'run' | 'turn';
  deltas: number;
  peakBytes: number;
  peakAtCompletionBytes: number;
  liveSamples: Array<{ deltas: number; bytes: number }>;
  liveGrowthBytes: number;
  retainedBytes: number;
  retainedAfterDropBytes: number;
  resultJsonChars: number;
  finalTextChars: number;
  events: number;
  ms: number;
}

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (!g) throw new Error('row 5 needs node --expose-gc');
  g();
  g();
};
/** Lets the current task end (transient references die), then collects. */
const settle = async (): Promise<void> => {
  await new Promise((resolve) => setTimeout(resolve, 20));
  gc();
};
const heap = (): number => process.memoryUsage().heapUsed;
const delta = (i: number): string => `w${i % 997} `;

async function memoryRun(mode: 'run' | 'turn', deltas: number): Promise<MemoryFigures> {
  gc();
  const base = heap();
  const t0 = performance.now();
  const transport = new InMemoryTransport({ recordSent: false });
  transport.onRequest('thread/start', () => ({ thread: { id: THREAD } }));
  transport.onRequest('turn/start', () => ({ turn: { id: TURN, status: 'inProgress', items: [], error: null } }));
  let codex: Codex | undefined = new Codex({ transport });
  const thread = await lastValueFrom(codex.threadStart());
  let result: TurnResult | undefined;
  let events = 0;
  let error: unknown;
  if (mode === 'run') thread.run('go').subscribe({ next: (r) => (result = r), error: (e) => (error = e) });
  else thread.turn('go').subscribe({ next: () => events++, error: (e) => (error = e) });

  gc();
  const start = heap();
  let peak = start;
  const liveSamples: MemoryFigures['liveSamples'] = [];
  const head = `{"method":"item/agentMessage/delta","params":{"threadId":"${THREAD}","turnId":"${TURN}","itemId":"msg_1","delta":"`;
  for (let i = 0; i < deltas; i += BATCH) {
    let text = '';
    for (let j = i; j < i + BATCH; j++) text += `${head}${delta(j)}"},"emittedAtMs":${1795494000000 + j}}\n`;
    transport.write(text);
    const done = i + BATCH;
    if (done % 10_000 === 0) peak = Math.max(peak, heap());
    if (done % (deltas / 10) === 0) {
      gc();
      liveSamples.push({ deltas: done, bytes: heap() - start });
    }
  }
  const streamingPeak = peak;

  let finalText = '';
  for (let j = 0; j < deltas; j++) finalText += delta(j);
  const finalTextChars = finalText.length;
  const item = { type: 'agentMessage', id: 'msg_1', text: finalText, phase: 'final_answer', memoryCitation: null };
  const usage = { total: { totalTokens: deltas + 10, inputTokens: 10, cachedInputTokens: 0, outputTokens: deltas, reasoningOutputTokens: 0 }, last: null, modelContextWindow: null };
  const turn = { id: TURN, items: [item], status: 'completed', error: null, startedAt: 1, completedAt: 2, durationMs: 1000 };
  transport.write(
    JSON.stringify({ method: 'item/completed', params: { item, threadId: THREAD, turnId: TURN } }) +
      '\n' +
      JSON.stringify({ method: 'thread/tokenUsage/updated', params: { threadId: THREAD, turnId: TURN, tokenUsage: usage } }) +
      '\n' +
      JSON.stringify({ method: 'turn/completed', params: { threadId: THREAD, turn } }) +
      '\n',
  );
  peak = Math.max(peak, heap());
  finalText = '';
  item.text = '';
  if (error) throw error;
  if (mode === 'run' && (!result || result.finalResponse?.length !== finalTextChars)) throw new Error('run() did not produce the TurnResult');
  if (mode === 'turn' && events !== deltas + 3) throw new Error(`turn() emitted ${events} events, expected ${deltas + 3}`);
  const stats = codex.stats;
  if (stats.routes !== 0 || stats.claimedThreads !== 0 || stats.bufferedMessages !== 0 || stats.pendingRequests !== 0) throw new Error(`state left after the turn: ${JSON.stringify(stats)}`);
  const ms = performance.now() - t0;

  await settle(); // the last lines' transient strings die with this task (measured: ~2× the text)
  const retainedBytes = heap() - base;
  const resultJsonChars = result ? JSON.stringify(result).length : 0;
  result = undefined;
  await codex.close();
  codex = undefined;
  await settle();
  const retainedAfterDropBytes = heap() - base;
  const live = liveSamples.map((s) => s.bytes);
  return {
    mode,
    deltas,
    peakBytes: streamingPeak - start,
    peakAtCompletionBytes: peak - start,
    liveSamples,
    liveGrowthBytes: live[live.length - 1] - live[0],
    retainedBytes,
    retainedAfterDropBytes,
    resultJsonChars,
    finalTextChars,
    events,
    ms,
  };
}

export async function benchMemory(log: (l: string) => void, deltas = MEMORY_DELTAS): Promise<Row> {
  await memoryRun('run', 20_000); // warm-up (JIT), not reported
  const figures: MemoryFigures[] = [];
  for (const mode of ['run', 'turn'] as const) {
    const f = await memoryRun(mode, deltas);
    figures.push(f);
    log(
      `  memory ${mode}(): ${deltas.toLocaleString('en-US')} deltas in ${(f.ms / 1000).toFixed(1)} s; peak +${fmtBytes(f.peakBytes)} (with completion +${fmtBytes(f.peakAtCompletionBytes)}); ` +
        `live after GC ${f.liveSamples.map((s) => fmtBytes(s.bytes)).join(' → ')}; retained ${fmtBytes(f.retainedBytes)} (result JSON ${fmtBytes(f.resultJsonChars)}), after dropping it ${fmtBytes(f.retainedAfterDropBytes)}`,
    );
  }
  const [run, turn] = figures;
  const growthLimit = 1024 * 1024; // 900,000 notifications: < 1.2 bytes each
  const retainedRatio = run.retainedBytes / run.finalTextChars;
  const met =
    run.liveGrowthBytes < growthLimit &&
    turn.liveGrowthBytes < growthLimit &&
    retainedRatio <= 1.25 &&
    turn.retainedBytes < growthLimit &&
    run.retainedAfterDropBytes < growthLimit;
  return {
    id: 5,
    name: `Memory (one turn, ${deltas.toLocaleString('en-US')} deltas, write() path)`,
    codexRx:
      `run(): peak +${fmtBytes(run.peakBytes)}, live growth ${fmtBytes(run.liveGrowthBytes)}, retained ${fmtBytes(run.retainedBytes)}; ` +
      `turn(): peak +${fmtBytes(turn.peakBytes)}, live growth ${fmtBytes(turn.liveGrowthBytes)}, retained ${fmtBytes(turn.retainedBytes)}`,
    reference: `final text ${fmtBytes(run.finalTextChars)} (TurnResult: finalResponse and items[0].text are that one string)`,
    ratio: `run() retained / final text ${retainedRatio.toFixed(2)}`,
    target: 'live growth < 1 MiB over 900k notifications; run() retained ≤ 1.25 × final text; turn() retained < 1 MiB',
    met,
    data: { figures },
  };
}
