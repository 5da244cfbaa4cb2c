import { CodexError } from './errors.js';
import { PROTOCOL_VERSION } from './protocol/tables.generated.js';

/** The app-server is older than the protocol this SDK was generated from. */
export class VersionMismatchError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.VersionMismatchError');
  constructor(
    readonly serverVersion: string,
    readonly sdkProtocolVersion: string,
  ) {
    super(`codex app-server ${serverVersion} is older than ${sdkProtocolVersion}, the protocol codex-rx was generated from; install @openai/codex@${sdkProtocolVersion} or newer`);
  }
}

/** The version in a user agent like `codex_cli_rs/0.169.0 (Linux …)`, if any. */
export function serverVersion(userAgent: string): string | undefined {
  return /\/(\d+\.\d+\.\d+)/.exec(userAgent)?.[1];
}

function compare(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** Throws VersionMismatchError when the server is older than the generated protocol. */
export function assertServerVersion(userAgent: string, required = PROTOCOL_VERSION): void {
  const v = serverVersion(userAgent);
  if (v !== undefined && compare(v, required) < 0) throw new VersionMismatchError(v, required);
}
