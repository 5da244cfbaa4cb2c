import { PROTOCOL_VERSION } from './tables.generated.js';

// Reading and comparing app-server versions: apart from VersionMismatchError (lib/version.ts), so
// that the params validators (a chunk loaded on first use) can ask a server's age without
// reaching the error classes.

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
