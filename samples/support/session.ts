/**
 * What every sample shares: a Codex client on the real `codex app-server`, and a `main` wrapper.
 *
 *   openSession({ live: false, steps })   the real binary and a *scripted* model: a
 *                                         ScriptedModelServer on 127.0.0.1 plus a throw-away
 *                                         CODEX_HOME pointing at it — no account, no network
 *   openSession({ live: true })           the real model: your Codex home (~/.codex or
 *                                         $CODEX_HOME) and its login, else OPENAI_API_KEY (kept
 *                                         in memory only); explains what is missing otherwise
 *
 *   runSample(async ({ live }) => …)      parses --live / --help, prints a failure as one line
 *                                         (no stack trace) and sets the exit code
 *   conversationOf(request.body)          scripted mode: the conversation Codex showed the model
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom } from 'rxjs';
import { Codex, StdioTransport, type CodexConfig, type protocol, type Transport } from '../../lib/node/index.js';
import { createCodexHome, ScriptedModelServer, type ScriptedStep, type TestApprovalPolicy } from '../../lib/testing/index.js';

/** Client options a sample may set (the session decides where the app-server runs). */
export type ClientOptions = Omit<CodexConfig, 'env' | 'cwd' | 'transport'>;

/** A model of the scripted catalog (what `codex.models()` lists in scripted mode). */
export interface ScriptedModelInfo {
  slug: string;
  displayName: string;
  description: string;
  /** Reasoning efforts the model offers, e.g. `['low', 'medium', 'high']` (default: none). */
  efforts?: string[];
  defaultEffort?: string;
}

export interface SessionOptions {
  /** The real model (`--live`) instead of the scripted one. */
  live: boolean;
  /** Scripted mode: what the model answers, one step per model request (then "Done."). */
  steps?: ScriptedStep[];
  /** Scripted mode: `approval_policy` of the throw-away CODEX_HOME (default "never"). */
  approvalPolicy?: TestApprovalPolicy;
  /** Scripted mode: the models `codex.models()` lists (default: one, `mock-model`). */
  models?: ScriptedModelInfo[];
  /** Options of the Codex client, in both modes (approval handler, timeouts…). */
  client?: ClientOptions;
  /** Wraps the stdio transport, e.g. to watch what goes over the wire. */
  wrapTransport?: (stdio: StdioTransport) => Transport;
  /** Live mode: work in a new empty temp directory instead of the current one. */
  tempWorkspace?: boolean;
  /** Live mode: connect even when your Codex home has no login (e.g. to sign in). */
  loginOptional?: boolean;
}

export interface Session {
  readonly codex: Codex;
  readonly live: boolean;
  /** Where the agent works: the scripted home's workspace, your current directory, or a temp dir. */
  readonly cwd: string;
  /** Scripted mode only: the scripted model, e.g. `model.responseRequests` shows what Codex sent it. */
  readonly model?: ScriptedModelServer;
  /** One line: which model this session talks to. */
  readonly description: string;
  /** Another client on the same Codex home (a fresh app-server process); `dispose()` closes it too. */
  newClient(options?: ClientOptions): Promise<Codex>;
  /** Closes every client (ending their app-servers) and removes temporary files. */
  dispose(): Promise<void>;
}

/** A problem the user can fix (e.g. no login for --live): printed without a stack trace, exit 1. */
export class SampleError extends Error {}

/** Opens a session: scripted by default, the real model with `live: true`. */
export function openSession(options: SessionOptions): Promise<Session> {
  return options.live ? openLive(options) : openScripted(options);
}

async function openScripted(options: SessionOptions): Promise<Session> {
  const model = await ScriptedModelServer.start({ steps: options.steps });
  const cleanup: Array<() => Promise<unknown>> = [() => model.close()];
  const dispose = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  try {
    const home = await createCodexHome({ modelServerUrl: model.url, approvalPolicy: options.approvalPolicy });
    cleanup.push(() => home.dispose());
    let catalogOverrides: Record<string, unknown> = {};
    if (options.models) {
      // Codex reads its model list from `model_catalog_json`: the scripted models go there.
      const catalog = path.join(home.dir, 'sample-models.json');
      await fs.writeFile(catalog, JSON.stringify({ models: options.models.map(catalogEntry) }, null, 2));
      catalogOverrides = { model: options.models[0].slug, model_catalog_json: catalog };
    }
    const newClient = async (client: ClientOptions = {}) => {
      const configOverrides = { ...catalogOverrides, ...asRecord(client.configOverrides) };
      const settings = { ...client, configOverrides, env: home.env, cwd: home.workspace };
      const codex = new Codex({ ...settings, transport: options.wrapTransport?.(new StdioTransport(settings)) });
      cleanup.push(() => codex.close());
      return codex;
    };
    return {
      codex: await newClient(options.client),
      live: false,
      cwd: home.workspace,
      model,
      description: `the real codex app-server and a scripted model at ${model.url} (no account, no network)`,
      newClient,
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

async function openLive(options: SessionOptions): Promise<Session> {
  const cleanup: Array<() => Promise<unknown>> = [];
  const dispose = async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  };
  try {
    let cwd = process.env.INIT_CWD ?? process.cwd(); // `npm run`/`npx` start us elsewhere
    if (options.tempWorkspace) {
      const temp = await fs.mkdtemp(path.join(os.tmpdir(), 'codex-rx-sample-'));
      cleanup.push(() => fs.rm(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 }));
      cwd = await fs.realpath(temp);
    }
    const first = await connectLive({ cwd, client: options.client, wrapTransport: options.wrapTransport, loginOptional: options.loginOptional });
    cleanup.push(() => first.codex.close());
    return {
      codex: first.codex,
      live: true,
      cwd,
      description: `the real codex app-server and the real model · account: ${first.account}`,
      async newClient(client: ClientOptions = {}) {
        const next = await connectLive({ cwd, client, wrapTransport: options.wrapTransport, apiKeyOnly: first.apiKey });
        cleanup.push(() => next.codex.close());
        return next.codex;
      },
      dispose,
    };
  } catch (e) {
    await dispose();
    throw e;
  }
}

/** A live client and who it acts as. */
export interface LiveConnection {
  codex: Codex;
  /** Who the app-server acts as, for people: "ChatGPT (you@example.com)", "API key…". */
  account: string;
  /** Set when the client signed in with OPENAI_API_KEY for this process only. */
  apiKey?: string;
}

/**
 * A client for the real model: your Codex home as it is when it is signed in (or its provider
 * needs no sign-in); else OPENAI_API_KEY, signed in for this process only (`ephemeral`: your
 * auth.json is not touched); else a SampleError saying what to do.
 */
export async function connectLive(options: {
  cwd: string;
  client?: ClientOptions;
  wrapTransport?: (stdio: StdioTransport) => Transport;
  /** How to run the scripted variant, for the "missing credentials" text. */
  rerun?: string;
  /** Skip the Codex home's own login and sign in with this key. */
  apiKeyOnly?: string;
  /** Return the client even when it has no login (and OPENAI_API_KEY is not used). */
  loginOptional?: boolean;
}): Promise<LiveConnection> {
  const client = (extra: ClientOptions = {}) => {
    const settings = { ...options.client, ...extra, configOverrides: { ...asRecord(options.client?.configOverrides), ...asRecord(extra.configOverrides) }, cwd: options.cwd };
    return new Codex({ ...settings, transport: options.wrapTransport?.(new StdioTransport(settings)) });
  };

  if (options.apiKeyOnly === undefined) {
    // 1. Your Codex home as it is: signed in already (or a provider that needs no sign-in)?
    const codex = client();
    const account = await closeOnError(codex, async () => describeAccount(await lastValueFrom(codex.account())));
    if (account !== undefined) return { codex, account };
    if (options.loginOptional) return { codex, account: 'none yet (not signed in)' };
    const codexHome = codex.metadata?.codexHome ?? '~/.codex';
    await codex.close();
    if (!process.env.OPENAI_API_KEY) throw new SampleError(missingCredentials(codexHome, options.rerun ?? rerunCommand()));
  }
  // 2. Else OPENAI_API_KEY, for this process only: `ephemeral` keeps it out of your auth.json.
  const apiKey = options.apiKeyOnly ?? process.env.OPENAI_API_KEY!;
  const keyed = client({ configOverrides: { cli_auth_credentials_store: 'ephemeral' } });
  await closeOnError(keyed, () => lastValueFrom(keyed.loginApiKey(apiKey)));
  return { codex: keyed, account: 'OPENAI_API_KEY (kept in memory only)', apiKey };
}

/** Who the app-server will act as; `undefined` when it needs a sign-in it does not have. */
export function describeAccount({ account, requiresOpenaiAuth }: protocol.v2.GetAccountResponse): string | undefined {
  if (!account) return requiresOpenaiAuth ? undefined : 'no sign-in needed (your model provider does not ask for one)';
  switch (account.type) {
    case 'chatgpt':
      return `ChatGPT${account.email ? ` (${account.email})` : ''}`;
    case 'apiKey':
      return 'API key (from your Codex login)';
    default:
      return account.type;
  }
}

/** Runs `work`; when it fails, closes the client (ending its app-server) before rethrowing. */
export async function closeOnError<T>(codex: Codex, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    await codex.close();
    throw e;
  }
}

function missingCredentials(codexHome: string, rerun: string): string {
  return [
    '--live talks to the real model, and it needs credentials. None were found:',
    `  - no Codex login in ${codexHome} (the app-server reports no account)`,
    '  - OPENAI_API_KEY is not set',
    'Do one of:',
    '  - sign in once:       npx codex login',
    '  - or use an API key:  export OPENAI_API_KEY=sk-…',
    `Or run \`${rerun}\` without --live: it needs no account and no network.`,
  ].join('\n');
}

/** `npx tsx samples/<this file>`. */
function rerunCommand(): string {
  return `npx tsx samples/${path.basename(process.argv[1] ?? 'sample.ts')}`;
}

function asRecord(overrides: CodexConfig['configOverrides']): Record<string, unknown> {
  if (overrides === undefined) return {};
  if (Array.isArray(overrides)) throw new Error('samples pass configOverrides as an object');
  return overrides as Record<string, unknown>;
}

/** One entry of Codex's model catalog (`model_catalog_json`), as the scripted mode lists it. */
function catalogEntry(m: ScriptedModelInfo, priority: number): Record<string, unknown> {
  return {
    slug: m.slug,
    display_name: m.displayName,
    description: m.description,
    base_instructions: 'You are a scripted test model.',
    shell_type: 'unified_exec',
    apply_patch_tool_type: 'freeform',
    supported_reasoning_levels: (m.efforts ?? []).map((effort) => ({ effort, description: effort })),
    ...(m.defaultEffort ? { default_reasoning_level: m.defaultEffort } : {}),
    visibility: 'list',
    supported_in_api: true,
    priority,
    support_verbosity: false,
    truncation_policy: { mode: 'tokens', limit: 10000 },
    experimental_supported_tools: [],
  };
}

// ---------------------------------------------------------------------------------------------

/** What `runSample` hands the sample. */
export interface SampleArgs {
  /** `--live`: the real model. */
  live: boolean;
  /** Other `--flags` the sample declared. */
  flags: Record<string, boolean>;
  /** Words after the options (e.g. a prompt). */
  positionals: string[];
}

/**
 * The sample's `main`: parses `--live`, `--help` and the sample's own boolean flags, runs
 * `body`, and turns a failure into one line on stderr and exit code 1.
 */
export function runSample(body: (args: SampleArgs) => Promise<void>, options: { flags?: Record<string, string> } = {}): void {
  const flags = options.flags ?? {};
  const usage = [
    `usage: ${rerunCommand()} [--live]${Object.keys(flags).map((f) => ` [--${f}]`).join('')}`,
    '',
    '  (no options)   the real codex app-server with a scripted model: no account, no network',
    '  --live         the real model, with your Codex login (~/.codex) or OPENAI_API_KEY',
    ...Object.entries(flags).map(([f, help]) => `  --${f.padEnd(13)}${help}`),
    '  -h, --help     this text',
  ].join('\n');

  const run = async (): Promise<number> => {
    let parsed;
    try {
      parsed = parseArgs({
        args: process.argv.slice(2),
        options: { live: { type: 'boolean' }, help: { type: 'boolean', short: 'h' }, ...Object.fromEntries(Object.keys(flags).map((f) => [f, { type: 'boolean' as const }])) },
        allowPositionals: true,
      });
    } catch (e) {
      process.stderr.write(`${(e as Error).message}\n\n${usage}\n`);
      return 2;
    }
    const { live, help, ...rest } = parsed.values as Record<string, boolean | undefined>;
    if (help) {
      process.stdout.write(`${usage}\n`);
      return 0;
    }
    await body({ live: live === true, flags: Object.fromEntries(Object.keys(flags).map((f) => [f, rest[f] === true])), positionals: parsed.positionals });
    return 0;
  };

  run().then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      const text = e instanceof SampleError ? e.message : `${path.basename(process.argv[1] ?? 'sample')} failed: ${e instanceof Error ? e.message : String(e)}`;
      process.stderr.write(`${text}\n`);
      process.exitCode = 1;
    },
  );
}

// ---------------------------------------------------------------------------------------------

/** One message of the conversation the model was shown. */
export interface ShownMessage {
  role: 'user' | 'assistant';
  text: string;
}

/**
 * Scripted mode: the user and assistant messages of one request Codex sent the model (a
 * Responses-API body), in order — what the model was shown. Codex's own context (instructions,
 * `<environment_context>`, developer messages) is left out; images show as `[image]`.
 */
export function conversationOf(body: unknown): ShownMessage[] {
  const input = (body as { input?: Array<Record<string, unknown>> } | undefined)?.input ?? [];
  const out: ShownMessage[] = [];
  for (const item of input) {
    if (item.type !== 'message' || (item.role !== 'user' && item.role !== 'assistant')) continue;
    const parts = (item.content as Array<{ type: string; text?: string }>).map((c) => (c.type === 'input_image' ? '[image]' : (c.text ?? '')));
    const text = parts.filter((p) => !/^<\/?image\b/.test(p)).join(' ');
    if (item.role === 'user' && text.startsWith('<')) continue; // <environment_context>, AGENTS.md…
    out.push({ role: item.role, text });
  }
  return out;
}
