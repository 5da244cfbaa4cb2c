/** Small statistics and formatting helpers for the benchmark rows. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

/** Percentile (nearest rank) of an already sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const now = (): number => performance.now();

export function fmtMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms >= 100 ? 0 : 1)} ms`;
}

export function fmtRatio(s: Spread, digits = 2, suffix = ''): string {
  return `${s.median.toFixed(digits)}${suffix} [${s.min.toFixed(digits)}–${s.max.toFixed(digits)}]`;
}

export function fmtRate(perSecond: number): string {
  return perSecond >= 1e6 ? `${(perSecond / 1e6).toFixed(2)} M msg/s` : `${(perSecond / 1e3).toFixed(0)} k msg/s`;
}

export function fmtBytes(bytes: number): string {
  const sign = bytes < 0 ? '-' : '';
  const b = Math.abs(bytes);
  if (b >= 1024 * 1024) return `${sign}${(b / 1024 / 1024).toFixed(1)} MiB`;
  if (b >= 1024) return `${sign}${(b / 1024).toFixed(0)} KiB`;
  return `${sign}${b.toFixed(0)} B`;
}

/** One printed row of the table, plus everything measured for the JSON. */
export interface Row {
  id: number;
  name: string;
  /** What codex-rx did (human-readable). */
  codexRx: string;
  /** What the reference(s) did. */
  reference: string;
  /** The ratio(s), each "median [min–max]" over rounds. */
  ratio: string;
  target: string;
  met: boolean | null;
  /** Raw figures for results/latest.json. */
  data: Record<string, unknown>;
}

/** Elapsed wall-clock and process CPU (user + system, all threads) time, in ms. */
export interface Elapsed {
  wall: number;
  cpu: number;
}

export function startClock(): () => Elapsed {
  const c0 = process.cpuUsage();
  const t0 = now();
  return () => {
    const wall = now() - t0;
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) / 1000 };
  };
}
