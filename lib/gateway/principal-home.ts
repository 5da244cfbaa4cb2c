/**
 * Where a principal's own app-server lives: a directory under the gateway's data root (0700) with
 * `home` (its CODEX_HOME), `workspace` (its cwd) and `tmp`, a clean environment (an allow-list,
 * never the gateway's own `process.env`) and a permission profile that lets its sandboxed
 * commands read only the platform's minimal paths and write only its own workspace and tmp.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { resolveCodexBinary } from '../transport/stdio-binary.js';
import { toTomlValue } from '../transport/stdio-args.js';
import type { ConfigOverrides } from '../transport/process-options.js';
import type { StdioUpstreamConfig } from './upstream.js';

/** The directories of one principal. */
export interface PrincipalHome {
  /** The principal's own directory (its `HOME`). */
  readonly dir: string;
  /** Its `CODEX_HOME`: threads, rules, logs. Not writable by its commands. */
  readonly home: string;
  /** The app-server's cwd and the only place its commands may write (besides `tmp`). */
  readonly workspace: string;
  /** Its `TMPDIR`. */
  readonly tmp: string;
}

/** The name of the permission profile the gateway defines for each principal. */
export const PRINCIPAL_PROFILE = 'codex-rx-principal';

/** Variables of the gateway's environment a principal's app-server gets (values as the gateway has them). */
const PASSED_VARIABLES = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'];

/** A data root the gateway owns: `dataRoot` as given (created 0700 if missing), or a private temp dir removed by `dispose()`. */
export interface DataRoot {
  readonly dir: string;
  dispose(): void;
}

export function openDataRoot(dataRoot: string | undefined): DataRoot {
  if (dataRoot !== undefined) {
    mkdirSync(dataRoot, { recursive: true, mode: 0o700 });
    return { dir: realpathSync(dataRoot), dispose: () => undefined };
  }
  const dir = realpathSync(mkdtempSync(path.join(tmpdir(), 'codex-rx-gateway-')));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 }) };
}

/**
 * The directory name of a principal: a readable part (letters, digits, `-`, `_`, at most 32) and a
 * hash of the whole id, so that any string maps to one name and no name can climb out of the root.
 */
export function principalDirName(id: string): string {
  const readable = id.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 32);
  const hash = createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 24);
  return `${readable}-${hash}`;
}

/** Creates (if missing) the directories of principal `id` under `root`, each 0700. */
export function principalHome(root: string, id: string): PrincipalHome {
  const dir = path.join(root, principalDirName(id));
  const home = path.join(dir, 'home');
  const workspace = path.join(dir, 'workspace');
  const tmp = path.join(dir, 'tmp');
  for (const d of [dir, home, workspace, tmp]) mkdirSync(d, { recursive: true, mode: 0o700 });
  return { dir, home, workspace, tmp };
}

/**
 * The stdio config of a principal's app-server: the operator's `base` (its `configOverrides` apply
 * to every principal, after the gateway's defaults so that they win) in the principal's home with a
 * clean environment. An explicit `base.cwd` or `base.env.CODEX_HOME` is the operator choosing to
 * share that directory between principals.
 */
export function principalUpstream(base: StdioUpstreamConfig, home: PrincipalHome): StdioUpstreamConfig {
  const workspace = base.cwd ?? home.workspace;
  const env: Record<string, string> = {};
  for (const k of PASSED_VARIABLES) if (process.env[k] !== undefined) env[k] = process.env[k]!;
  Object.assign(env, { HOME: home.dir, CODEX_HOME: home.home, TMPDIR: home.tmp });
  for (const [k, v] of Object.entries(base.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return {
    ...base,
    cwd: workspace,
    env,
    configOverrides: [...overridePairs(principalDefaults(home, workspace, base.codexBin)), ...overridePairs(base.configOverrides)],
  };
}

/**
 * The gateway's defaults for a principal's app-server. `approval_policy = "on-request"` (the model
 * may ask; escalations are declined by the gateway unless `allowEscalation`) and the permission
 * profile {@link PRINCIPAL_PROFILE}: read the platform's minimal paths and the codex binary's
 * directory (the sandbox re-executes it), write the workspace and tmp, nothing else. Not
 * `CODEX_HOME`: a command that could write its config.toml would choose the next app-server's MCP
 * servers. `features.multi_agent = false`: a sub-agent's `local_image` input is read outside the
 * sandbox, so any host image could reach the model. An operator's `default_permissions` (e.g. the built-in `:workspace`) replaces the
 * profile, and with it the confinement of reads. (On 0.171.0 a `sandbox_mode` given by
 * `--config` next to it does not turn the profile off.)
 */
export function principalDefaults(home: PrincipalHome, workspace: string, codexBin?: string): Record<string, unknown> {
  const filesystem: Record<string, string> = { ':minimal': 'read' };
  for (const dir of binaryDirs(codexBin)) filesystem[dir] = 'read';
  filesystem[workspace] = 'write';
  filesystem[home.tmp] = 'write';
  return {
    approval_policy: 'on-request',
    default_permissions: PRINCIPAL_PROFILE,
    [`permissions.${PRINCIPAL_PROFILE}.filesystem`]: filesystem,
    'shell_environment_policy.inherit': 'core',
    // Sub-agents take `local_image` items that Codex reads outside the sandbox (red-team, 0.171.0).
    'features.multi_agent': false,
  };
}

/** The directory of the codex binary, as given and resolved (the sandbox execs it by its real path). */
function binaryDirs(codexBin?: string): string[] {
  try {
    const bin = resolveCodexBinary(codexBin).path;
    const dirs = new Set([path.dirname(bin)]);
    try {
      dirs.add(path.dirname(realpathSync(bin)));
    } catch {
      // Not there yet: spawning will say so.
    }
    return [...dirs];
  } catch {
    return [];
  }
}

function overridePairs(overrides: ConfigOverrides | undefined): string[] {
  if (!overrides) return [];
  if (Array.isArray(overrides)) return [...(overrides as readonly string[])];
  return Object.entries(overrides as Record<string, unknown>).map(([k, v]) => `${k}=${toTomlValue(v, k)}`);
}
