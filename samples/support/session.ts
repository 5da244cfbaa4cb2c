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
 *   contentPartsOf(request.body)          scripted mode: the content parts it sent (images, say)
 *   showImageAnswer(answer, scripted)     the answer to a question about an image
 *
 * The live client (live.ts), `runSample` (run-sample.ts) and `conversationOf` (conversation.ts)
 * live in their own files and are re-exported here.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Codex, StdioTransport, Transport } from '../../lib/node/index.js';
import { createCodexHome, ScriptedModelServer, type ScriptedModelInfo, type ScriptedStep, type TestApprovalPolicy } from '../../lib/testing/node/index.js';
import { connectLive } from './live.js';
import { sampleClient, type ClientOptions } from './sample-client.js';
import { asRecord } from './sample-error.js';

// What the samples import from here, kept in one place (each lives in its own file).
export { closeOnError, connectLive, describeAccount, type LiveConnection } from './live.js';
export { runSample, type SampleArgs } from './run-sample.js';
export { contentPartsOf, conversationOf, showImageAnswer, type ShownMessage } from './conversation.js';
export { SampleError } from './sample-error.js';
export { sampleClient, type ClientOptions } from './sample-client.js';
export type { ScriptedModelInfo };

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
    // Codex reads its model list from the home's model catalog: the scripted models go there.
    const home = await createCodexHome({ modelServerUrl: model.url, approvalPolicy: options.approvalPolicy, models: options.models });
    cleanup.push(() => home.dispose());
    const newClient = async (client: ClientOptions = {}) => {
      const settings = { ...client, configOverrides: asRecord(client.configOverrides), env: home.env, cwd: home.workspace };
      const codex = sampleClient(settings, options.wrapTransport);
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

