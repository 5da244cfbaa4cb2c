import { concat, concatMap, defer, ignoreElements, merge, Observable, type Subscription } from 'rxjs';
import { ValidationError } from '../errors.js';
import { toBase64 } from './output-chunk.js';

/** A terminal size in character cells (PTY mode). */
export interface TerminalSize {
  readonly rows: number;
  readonly cols: number;
}

/** How the user feeds a running command or process: both optional, both cold until it starts. */
export interface ProcessInput {
  /**
   * Bytes or UTF-8 text for the process's stdin, written in order; when this Observable
   * completes, stdin is closed. Giving it turns on `streamStdin`.
   */
  readonly stdin?: Observable<string | Uint8Array>;
  /** New PTY sizes (with `tty: true`), applied in order. */
  readonly resize?: Observable<TerminalSize>;
}

/** The wire calls that carry input: `command/exec/write`/`resize` or `process/writeStdin`/`resizePty`. */
export interface InputCalls {
  write(deltaBase64: string | undefined, closeStdin: boolean): Observable<unknown>;
  resize(size: TerminalSize): Observable<unknown>;
}

/** Feeds `input` to a started process, one request at a time per kind; the first failure goes to `fail`. */
export function pumpInput(input: ProcessInput, calls: InputCalls, fail: (error: unknown) => void): Subscription {
  const writes = input.stdin
    ? concat(
        input.stdin.pipe(concatMap((chunk) => defer(() => calls.write(toBase64(checkChunk(chunk)), false)))),
        defer(() => calls.write(undefined, true)),
      )
    : new Observable<never>();
  const resizes = input.resize ? input.resize.pipe(concatMap((size) => calls.resize(size))) : new Observable<never>();
  return merge(writes, resizes).pipe(ignoreElements()).subscribe({ error: fail });
}

/** Checks what the process input options hold, before anything is sent. */
export function checkProcessInput(input: ProcessInput, where: string): void {
  const issues = [];
  if (input.stdin !== undefined && !isObservable(input.stdin)) issues.push({ path: 'stdin', message: 'must be an Observable of strings or Uint8Arrays' });
  if (input.resize !== undefined && !isObservable(input.resize)) issues.push({ path: 'resize', message: 'must be an Observable of { rows, cols }' });
  if (issues.length > 0) throw new ValidationError(where, issues);
}

function checkChunk(chunk: unknown): string | Uint8Array {
  if (typeof chunk === 'string' || chunk instanceof Uint8Array) return chunk;
  throw new ValidationError('stdin', [{ path: 'stdin', message: `chunks must be strings or Uint8Arrays, got ${chunk === null ? 'null' : typeof chunk}` }]);
}

function isObservable(value: unknown): boolean {
  return typeof (value as { subscribe?: unknown } | null)?.subscribe === 'function';
}
