import { CodexError } from './errors.js';
import { PROTOCOL_VERSION } from './protocol/tables.generated.js';

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

/** How a server's version relates to the protocol codex-rx was generated from. */
export type ServerAge = 'older' | 'same' | 'newer' | 'unknown';

const VERSION = /\/v?(\d+)\.(\d+)\.(\d+)(-[0-9A-Za-z.-]+)?/;

/** The version in a user agent like `codex_cli_rs/0.171.0 (Linux …)`, if any (`0.172.0-alpha.1` kept whole). */
export function serverVersion(userAgent: string | undefined): string | undefined {
  const m = typeof userAgent === 'string' ? VERSION.exec(userAgent) : null;
  return m ? `${Number(m[1])}.${Number(m[2])}.${Number(m[3])}${m[4] ?? ''}` : undefined;
}

/** Orders two `x.y.z[-pre]` versions; a prerelease sorts before its release (semver, prerelease compared as text). */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = split(a);
  const [coreB, preB] = split(b);
  for (let i = 0; i < 3; i++) if (coreA[i] !== coreB[i]) return coreA[i]! - coreB[i]!;
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

function split(v: string): [number[], string | undefined] {
  const dash = v.indexOf('-');
  const core = (dash < 0 ? v : v.slice(0, dash)).split('.').map(Number);
  return [core, dash < 0 ? undefined : v.slice(dash + 1)];
}

/** Whether the server (by its initialize `userAgent`) is older, the same as or newer than PROTOCOL_VERSION. */
export function serverAge(userAgent: string | undefined, protocolVersion = PROTOCOL_VERSION): ServerAge {
  const v = serverVersion(userAgent);
  if (v === undefined) return 'unknown';
  const c = compareVersions(v, protocolVersion);
  return c < 0 ? 'older' : c > 0 ? 'newer' : 'same';
}

/** Throws VersionMismatchError when the server is older than MIN_SERVER_VERSION; an unparseable agent passes. */
export function assertServerVersion(userAgent: string, minimum = MIN_SERVER_VERSION): void {
  const v = serverVersion(userAgent);
  if (v !== undefined && compareVersions(v, minimum) < 0) throw new VersionMismatchError(v, PROTOCOL_VERSION, minimum);
}
