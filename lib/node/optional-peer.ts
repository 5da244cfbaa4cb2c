import { createRequire } from 'node:module';
import { CodexError } from '../errors.js';
import { moduleUrl } from '../transport/stdio-module-url.js';

// ws and jose are optional peer dependencies: a page never installs them, and a Node.js app
// installs only the ones it uses (ws to open a WebSocket from Node, jose to mint signed tokens).

/** True when `e` says that `name` itself is not installed (not that something inside it failed). */
export function isMissingModule(e: unknown, name: string): boolean {
  const err = e as { code?: unknown; message?: unknown } | null;
  return (err?.code === 'MODULE_NOT_FOUND' || err?.code === 'ERR_MODULE_NOT_FOUND') && typeof err.message === 'string' && err.message.includes(`'${name}'`);
}

/** The CodexError for a missing optional peer: what it is needed for and the command that installs it. */
export function missingPeerError(name: string, neededFor: string, cause?: unknown): CodexError {
  return new CodexError(`${neededFor} needs the optional peer dependency \`${name}\`: npm install ${name}`, { cause });
}

/** `require(name)` relative to codex-rx itself, or undefined when it is not installed. */
export function requireOptionalPeer<T>(name: string): T | undefined {
  try {
    return createRequire(moduleUrl)(name) as T;
  } catch (e) {
    if (isMissingModule(e, name)) return undefined;
    throw e;
  }
}
