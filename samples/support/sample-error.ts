import path from 'node:path';
import type { CodexConfig } from '../../lib/index.js';

/** A problem the user can fix (e.g. no login for --live): printed without a stack trace, exit 1. */
export class SampleError extends Error {}

/** `npx tsx samples/<this file>`. */
export function rerunCommand(): string {
  return `npx tsx samples/${path.basename(process.argv[1] ?? 'sample.ts')}`;
}


/** A sample's `configOverrides` as an object (samples never pass the array form). */
export function asRecord(overrides: CodexConfig['configOverrides']): Record<string, unknown> {
  if (overrides === undefined) return {};
  if (Array.isArray(overrides)) throw new Error('samples pass configOverrides as an object');
  return overrides as Record<string, unknown>;
}

