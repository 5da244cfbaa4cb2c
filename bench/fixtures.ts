import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** bench/, whether this runs from bench/*.ts (tsx) or from the compiled bench/.build/bench/*.js. */
const here = path.dirname(fileURLToPath(import.meta.url));
export const BENCH_DIR = path.basename(path.dirname(here)) === '.build' ? path.resolve(here, '..', '..') : here;

/** The recorded 100k-delta turn (gzip, ~0.3 MB): kept in git; regenerated on demand when missing. */
export const DEFAULT_TRANSCRIPT = path.join(BENCH_DIR, 'fixtures', 'turn-100k-deltas.jsonl.gz');

/** Where `npm run bench` writes its figures (git-ignored). */
export const RESULTS_FILE = path.join(BENCH_DIR, 'results', 'latest.json');

/** True when `importMetaUrl` is the module node was started with. */
export function isMain(importMetaUrl: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(importMetaUrl);
}
