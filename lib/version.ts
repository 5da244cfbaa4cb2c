import { CodexError } from './errors.js';
import { PROTOCOL_VERSION } from './protocol/tables.generated.js';
import { compareVersions, serverVersion } from './protocol/server-version.js';

export { compareVersions, serverAge, serverVersion, type ServerAge } from './protocol/server-version.js';

/**
 * The oldest app-server codex-rx supports. Older servers lack methods the client API relies on
 * (and answer others differently); from here up to PROTOCOL_VERSION a method the server lacks
 * fails with the server's own "method not found", mapped to MethodNotFoundError.
 */
export const MIN_SERVER_VERSION = '0.169.0';

/** The app-server is older than the oldest version codex-rx supports. */
export class VersionMismatchError extends CodexError {
  static override readonly brand: symbol = Symbol.for('codex-rx.error.VersionMismatchError');
  /** The oldest supported server version (MIN_SERVER_VERSION). */
  readonly minimumVersion: string;
  constructor(
    readonly serverVersion: string,
    /** The codex version the protocol of this codex-rx was generated from. */
    readonly sdkProtocolVersion: string,
    minimumVersion = MIN_SERVER_VERSION,
  ) {
    super(
      `codex app-server ${serverVersion} is older than ${minimumVersion}, the oldest codex-rx supports (its protocol comes from codex ${sdkProtocolVersion}); install @openai/codex@${sdkProtocolVersion} or newer`,
    );
    this.minimumVersion = minimumVersion;
  }
}

/** Throws VersionMismatchError when the server is older than MIN_SERVER_VERSION; an unparseable agent passes. */
export function assertServerVersion(userAgent: string, minimum = MIN_SERVER_VERSION): void {
  const v = serverVersion(userAgent);
  if (v !== undefined && compareVersions(v, minimum) < 0) throw new VersionMismatchError(v, PROTOCOL_VERSION, minimum);
}
