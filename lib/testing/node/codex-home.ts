/**
 * A throw-away `CODEX_HOME` that points the real `codex app-server` at a scripted model server.
 *
 * Node-only; ships as `codex-rx/testing/node`.
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { MOCK_MODEL, modelCatalog, type ScriptedModelInfo } from './model-catalog.js';

/**
 * Approval policies accepted by `approval_policy` in config.toml. (codex 0.169.0 refuses to
 * start with `"untrusted"` there; pass `approvalPolicy: "untrusted"` to `thread/start` instead.)
 */
export type TestApprovalPolicy = 'never' | 'on-request' | 'on-failure';

/** Sandbox modes accepted by `sandbox_mode` in config.toml. */
export type TestSandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/** Options of {@link createCodexHome}. */
export interface CodexHomeOptions {
  /** Base URL of the Responses-API server, e.g. `ScriptedModelServer.url`. Loopback only. */
  modelServerUrl: string;
  /** `approval_policy`. Default `"never"`. */
  approvalPolicy?: TestApprovalPolicy;
  /** `sandbox_mode`; omitted from config.toml (Codex default: read-only) when not given. */
  sandbox?: TestSandboxMode;
  /** Raw TOML placed after the generated top-level keys, before the mock provider table: top-level keys (not repeating ours), then any tables. */
  extraToml?: string;
  /**
   * Write a model catalog so `mock-model` gets Codex's freeform `apply_patch` tool.
   * Without it Codex uses fallback metadata and offers no `apply_patch`. Default true.
   */
  applyPatchTool?: boolean;
  /**
   * The models Codex lists (`model/list`) and may use, written as its model catalog; the first is
   * configured as `model`. Default: one, {@link MOCK_MODEL}. Implies a catalog even when
   * `applyPatchTool` is false.
   */
  models?: readonly ScriptedModelInfo[];
}

/** A temporary Codex home plus a workspace directory; remove both with `dispose()`. */
export interface CodexHome {
  /** The `CODEX_HOME` directory (holds config.toml). */
  dir: string;
  /** An empty directory meant as the thread's `cwd` (outside `dir`). */
  workspace: string;
  /** Variables to add to the binary's environment (`CODEX_HOME`). */
  env: Record<string, string>;
  /** The config.toml that was written. */
  configToml: string;
  /** Deletes both directories (tolerates files the binary is still writing). */
  dispose(): Promise<void>;
}

/** Creates a temporary CODEX_HOME whose config.toml sends every model call to `modelServerUrl`. */
export async function createCodexHome(opts: CodexHomeOptions): Promise<CodexHome> {
  assertLoopback(opts.modelServerUrl);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'codex-rx-test-'));
  const dir = path.join(root, 'codex-home');
  const workspace = path.join(root, 'workspace');
  await fs.mkdir(dir);
  await fs.mkdir(workspace);

  const lines = [
    `model = ${tomlString(opts.models?.[0]?.slug ?? MOCK_MODEL)}`,
    `model_provider = "mock"`,
    `approval_policy = ${tomlString(opts.approvalPolicy ?? 'never')}`,
  ];
  if (opts.sandbox) lines.push(`sandbox_mode = ${tomlString(opts.sandbox)}`);
  if (opts.models || (opts.applyPatchTool ?? true)) {
    const catalog = path.join(dir, 'mock-model-catalog.json');
    await fs.writeFile(catalog, JSON.stringify(modelCatalog(opts.models), null, 2));
    lines.push(`model_catalog_json = ${tomlString(catalog)}`);
  }
  // Before the provider's table, so that top-level keys stay top-level.
  if (opts.extraToml) lines.push('', opts.extraToml.trim());
  lines.push(
    '',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = ${tomlString(opts.modelServerUrl)}`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
  );
  const configToml = lines.join('\n') + '\n';
  await fs.writeFile(path.join(dir, 'config.toml'), configToml);

  return {
    dir,
    workspace,
    env: { CODEX_HOME: dir },
    configToml,
    dispose: () => fs.rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }),
  };
}

function tomlString(value: string): string {
  // A JSON string is a valid TOML basic string (same escapes, \uXXXX included).
  return JSON.stringify(value);
}

function assertLoopback(url: string): void {
  const host = new URL(url).hostname;
  if (!/^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/.test(host)) {
    throw new Error(`createCodexHome: modelServerUrl must be a loopback address, got ${host}`);
  }
}
