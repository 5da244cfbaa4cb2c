import { CodexError } from '../errors.js';

// The limits of the streams and their error, apart from the streams themselves: the main entry
// exports them, and a file it imports is in a browser's first load (the streams are a chunk
// loaded on first use: lib/streams/lazy-streams.ts).

/** Default bound of output bytes one command or process stream emits (stdout + stderr). */
export const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

/** A command or process wrote more output than the stream's `maxOutputBytes`: it was stopped. */
export class OutputLimitExceededError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.OutputLimitExceededError');
  constructor(
    /** The limit that was exceeded, in bytes. */
    readonly maxOutputBytes: number,
    what: string,
  ) {
    super(`${what} wrote more than ${maxOutputBytes} bytes of output (maxOutputBytes); it was stopped`);
  }
}

/** Provisional rows kept at most before the final page (partials past it are dropped: they are best-effort anyway). */
export const MAX_PARTIAL_SEARCH_ROWS = 1000;
