/**
 * Row 4: routing scale. N threads each with one live turn (N = 1 … 10,000) on one client over
 * the fake transport; 200,000 `item/agentMessage/delta` notifications are delivered with
 * InMemoryTransport.emit() (parsed messages: no framing, so what varies is routing), each to a
 * turn picked at random (seeded), and the per-message cost is compared with N = 1.
 * Each N runs in two processes of its own (bench/routing-child.ts), one after the other, with
 * codex-rx and the floors measured alternately in every round.
 * Targets (issue 17): at 1 turn ≤ 2× the Map + Subscriber floor (paired within each round), and
 * the growth from 1 to 10,000 turns ≤ 1.2× the floor's own growth.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RoutingSample } from './routing-child.js';
import { fmtRatio, median, spread, type Row } from './stats.js';

export const ROUTING_SIZES = [1, 10, 100, 1_000, 10_000];

/** Runs one N in its own process; its samples. */
function runChild(n: number, rounds: number): { messages: number; samples: RoutingSample[] } {
  const child = fileURLToPath(new URL('./routing-child.js', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', child, String(n), String(rounds)], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** A growth: the ratio of the medians, then the range of round-by-round ratios (not a spread around it). */
const fmtGrowth = (g: { median: number; min: number; max: number }) => `${g.median.toFixed(2)} (rounds ${g.min.toFixed(2)}–${g.max.toFixed(2)})`;

export async function benchRouting(rounds: number, log: (l: string) => void): Promise<Row> {
  const samples: Record<number, RoutingSample[]> = Object.fromEntries(ROUTING_SIZES.map((n) => [n, []]));
  let messages = 0;
  // Two processes per N, the second pass in reverse order: a process's JIT decisions and the
  // machine's load drift both move a whole process's figures, so each N gets two draws.
  for (const n of [...ROUTING_SIZES, ...[...ROUTING_SIZES].reverse()]) {
    const result = runChild(n, Math.ceil(rounds / 2));
    samples[n].push(...result.samples);
    messages = result.messages;
    const med = (pick: (x: RoutingSample) => number) => median(result.samples.map(pick)).toFixed(0);
    log(`  routing N=${n} (ns/message, CPU, median of ${result.samples.length}): rx ${med((x) => x.rx.cpu)} demux ${med((x) => x.demux)} map ${med((x) => x.bareMap)} map+Subscriber ${med((x) => x.mapSubscriber)}`);
  }
  const rx = (x: RoutingSample) => x.rx.cpu;
  const floor = (x: RoutingSample) => x.mapSubscriber;
  const med = (n: number, pick: (x: RoutingSample) => number) => median(samples[n].map(pick));
  // Growth from 1 to N, each side over its own medians (the two Ns ran in different processes);
  // its spread pairs round i of one process with round i of the other.
  const growth = (n: number, pick: (x: RoutingSample) => number) => ({
    ...spread(samples[n].map((v, i) => pick(v) / pick(samples[1][i]))),
    median: med(n, pick) / med(1, pick),
  });
  const ratios = Object.fromEntries(ROUTING_SIZES.map((n) => [n, growth(n, rx)]));
  const floorGrowth = growth(10_000, floor);
  const over = (a: ReturnType<typeof growth>, b: ReturnType<typeof growth>) => ({
    ...spread(samples[10_000].map((v, i) => rx(v) / rx(samples[1][i]) / (floor(v) / floor(samples[1][i])))),
    median: a.median / b.median,
  });
  const growthOverFloor = over(ratios[10_000], floorGrowth);
  const atOne = spread(samples[1].map((v) => rx(v) / floor(v)));
  const demuxGrowth = growth(10_000, (x) => x.demux);
  const mapGrowth = growth(10_000, (x) => x.bareMap);
  const wallGrowth = growth(10_000, (x) => x.rx.wall);
  return {
    id: 4,
    name: 'Routing scale (ns/message, 1 → 10,000 live turns, emit() path, one process per N)',
    codexRx: ROUTING_SIZES.map((n) => `${n.toLocaleString('en-US')}: ${med(n, rx).toFixed(0)}`).join(', '),
    reference:
      `Map+Subscriber floor 1: ${med(1, floor).toFixed(0)}, 10k: ${med(10_000, floor).toFixed(0)}; ` +
      `demux alone 1: ${med(1, (x) => x.demux).toFixed(0)}, 10k: ${med(10_000, (x) => x.demux).toFixed(0)} (bare Map 1: ${med(1, (x) => x.bareMap).toFixed(0)}, 10k: ${med(10_000, (x) => x.bareMap).toFixed(0)})`,
    ratio:
      `1 turn rx/floor ${fmtRatio(atOne, 2)}; growth 10k/1 rx ${fmtGrowth(ratios[10_000])} vs floor ${fmtGrowth(floorGrowth)} → rx/floor growth ${fmtGrowth(growthOverFloor)}; ` +
      `demux 10k/1 ${fmtGrowth(demuxGrowth)} vs bare Map ${fmtGrowth(mapGrowth)}`,
    target: '1 turn rx/floor ≤ 2; rx/floor growth ≤ 1.2',
    met: atOne.median <= 2 && growthOverFloor.median <= 1.2,
    data: { rounds, messagesPerRound: messages, nsPerMessage: samples, growthCpu: ratios, rxOverFloorAt1: atOne, growthOverFloorGrowth: growthOverFloor, floorGrowth10k: floorGrowth, demuxGrowth10k: demuxGrowth, bareMapGrowth10k: mapGrowth, rxWallGrowth10k: wallGrowth },
  };
}
