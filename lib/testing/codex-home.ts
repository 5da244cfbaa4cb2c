/**
 * A throw-away `CODEX_HOME` that points the real `codex app-server` at a scripted model server,
 * and a small resolver for the binary vendored by the installed `@openai/codex` package.
 *
 * Node-only; ships as the `codex-rx/testing` subpath.
 */
import { existsSync, promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';

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

/** The model name written to config.toml. */
export const MOCK_MODEL = 'mock-model';

/** Creates a temporary CODEX_HOME whose config.toml sends every model call to `modelServerUrl`. */
export async function createCodexHome(opts: CodexHomeOptions): Promise<CodexHome> {
  assertLoopback(opts.modelServerUrl);
  const root = await fs.mkdtemp(path.join(os.tmpdir(), 'codex-rx-test-'));
  const dir = path.join(root, 'codex-home');
  const workspace = path.join(root, 'workspace');
  await fs.mkdir(dir);
  await fs.mkdir(workspace);

  const lines = [
    `model = ${tomlString(MOCK_MODEL)}`,
    `model_provider = "mock"`,
    `approval_policy = ${tomlString(opts.approvalPolicy ?? 'never')}`,
  ];
  if (opts.sandbox) lines.push(`sandbox_mode = ${tomlString(opts.sandbox)}`);
  if (opts.applyPatchTool ?? true) {
    const catalog = path.join(dir, 'mock-model-catalog.json');
    await fs.writeFile(catalog, JSON.stringify(mockModelCatalog(), null, 2));
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

/** Target triple → platform package, as in `@openai/codex/bin/codex.js`. */
const PLATFORM_PACKAGES: Record<string, string> = {
  'x86_64-unknown-linux-musl': '@openai/codex-linux-x64',
  'aarch64-unknown-linux-musl': '@openai/codex-linux-arm64',
  'x86_64-apple-darwin': '@openai/codex-darwin-x64',
  'aarch64-apple-darwin': '@openai/codex-darwin-arm64',
  'x86_64-pc-windows-msvc': '@openai/codex-win32-x64',
  'aarch64-pc-windows-msvc': '@openai/codex-win32-arm64',
};

/**
 * Test helper: path of the native `codex` binary of the installed `@openai/codex` package
 * (`@openai/codex-<platform>-<arch>/vendor/<triple>/bin/codex`), resolved from `fromDir`
 * (default: the current directory). Throws when it is not installed.
 */
export function resolveCodexBinary(fromDir: string = process.cwd()): string {
  const triple = targetTriple();
  const requireFrom = createRequire(path.join(path.resolve(fromDir), 'noop.js'));
  const codexPkg = requireFrom.resolve('@openai/codex/package.json');
  // The platform package is a dependency of @openai/codex: resolve it from there (pnpm-safe).
  const requireCodex = createRequire(codexPkg);
  let vendorRoot: string;
  try {
    vendorRoot = path.join(path.dirname(requireCodex.resolve(`${PLATFORM_PACKAGES[triple]}/package.json`)), 'vendor');
  } catch {
    vendorRoot = path.join(path.dirname(codexPkg), 'vendor');
  }
  const bin = path.join(vendorRoot, triple, 'bin', process.platform === 'win32' ? 'codex.exe' : 'codex');
  if (!existsSync(bin)) throw new Error(`codex binary not found at ${bin} (is ${PLATFORM_PACKAGES[triple]} installed?)`);
  return bin;
}

function targetTriple(): string {
  const { platform, arch } = process;
  const cpu = arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : undefined;
  const os =
    platform === 'linux' || platform === 'android'
      ? 'unknown-linux-musl'
      : platform === 'darwin'
        ? 'apple-darwin'
        : platform === 'win32'
          ? 'pc-windows-msvc'
          : undefined;
  if (!cpu || !os) throw new Error(`Unsupported platform: ${platform} (${arch})`);
  return `${cpu}-${os}`;
}

/** A model catalog with one entry, `mock-model`, that asks for the freeform apply_patch tool. */
function mockModelCatalog(): unknown {
  return {
    models: [
      {
        slug: MOCK_MODEL,
        display_name: 'Mock model',
        description: 'Scripted model for tests',
        base_instructions: 'You are a scripted test model.',
        // Same shell tool (`exec_command`) as Codex's fallback metadata, plus apply_patch.
        shell_type: 'unified_exec',
        apply_patch_tool_type: 'freeform',
        supported_reasoning_levels: [],
        visibility: 'list',
        supported_in_api: true,
        priority: 0,
        support_verbosity: false,
        truncation_policy: { mode: 'tokens', limit: 10000 },
        experimental_supported_tools: [],
      },
    ],
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
