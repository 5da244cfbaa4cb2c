/**
 * codex-rx demo: a short, real session with the Codex app-server, in your terminal.
 *
 *   npm run demo                        the real `codex app-server` and a scripted model on
 *                                       127.0.0.1: no account, no network, a few seconds
 *   npm run demo -- --live "a prompt"   the same flow against the real model, with your Codex
 *                                       login (~/.codex) or OPENAI_API_KEY
 *
 * The session: start a thread; a first turn whose answer streams live; a second turn in which
 * the agent asks to run a shell command — the approval handler below accepts it — and reports
 * what it saw; then a summary (status, items by type, token usage, durations).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { lastValueFrom, tap } from 'rxjs';
import { Answers, ApprovalMode, Codex, Sandbox, toTurnResult, type ServerRequestHandler, type TurnResult } from '../lib/node/index.js';
import { createCodexHome, message, ScriptedModelServer, shellCommand, type ScriptedStep } from '../lib/testing/node/index.js';
import { connectLive, SampleError } from './support/session.js';
import { Terminal } from './support/terminal.js';
import { commandLabel, seconds, TurnView } from './support/turn-view.js';

/** A client ready to use, what to tell the user about it, the two prompts, and the cleanup. */
interface Session {
  codex: Codex;
  cwd: string;
  title: string;
  details: Array<[string, string]>;
  prompts: [string, string];
  dispose(): Promise<void>;
}

/** One answer of the approval handler, for the summary. */
interface Approval {
  command: string;
  accepted: boolean;
}

// ---------------------------------------------------------------------------------------------
// The session itself: the same code for the scripted and the live model.
// ---------------------------------------------------------------------------------------------

async function runSession(term: Terminal, session: Session): Promise<void> {
  const began = Date.now();
  const { codex } = session;

  term.line(term.bold(session.title));
  term.setStatus('starting codex app-server…');
  const server = await lastValueFrom(codex.connect());
  const serverReadyMs = Date.now() - began;

  const approvals: Approval[] = [];
  const thread = await lastValueFrom(
    codex.threadStart({
      cwd: session.cwd,
      sandbox: Sandbox.readOnly, // the agent may read; anything more needs an approval…
      approvalMode: ApprovalMode.ask, // …which our handler gives or refuses
      serverRequestHandler: approveReadOnlyCommands(term, approvals),
    }),
  );
  term.setStatus(undefined);

  const details: Array<[string, string]> = [
    ['app-server', `codex ${serverVersion(server.userAgent)}, CODEX_HOME ${server.codexHome}`],
    ...session.details,
    ['workspace', session.cwd],
    ['thread', `${thread.id} (model ${thread.info.model})`],
  ];
  for (const [key, value] of details) row(term, key, value);

  const results: TurnResult[] = [];
  for (const [i, prompt] of session.prompts.entries()) {
    term.line();
    term.line(term.bold(`── turn ${i + 1} ──`));
    const view = new TurnView(term);
    // One subscription: the view renders each event live, toTurnResult() reduces them to the result.
    const result = await lastValueFrom(thread.turn(prompt).pipe(tap(view.render), toTurnResult()));
    results.push(result);
  }

  printSummary(term, { results, approvals, serverReadyMs, totalMs: Date.now() - began });
}

/**
 * The demo's approval policy, as a handler: accept a command when Codex reads every part of it
 * as read-only (list files, read a file, search) and it has no shell operators; decline any
 * other command. Other requests (file changes, permissions…) are left to codex-rx, which
 * answers them the safe way: declined.
 */
function approveReadOnlyCommands(term: Terminal, approvals: Approval[]): ServerRequestHandler {
  const READ_ONLY: Record<string, string> = { listFiles: 'lists files', read: 'reads files', search: 'searches' };
  const SHELL_OPERATORS = /[;&|<>`$()]/;
  return (request) => {
    if (request.method !== 'item/commandExecution/requestApproval') return undefined;
    // Narrowed by `method`: `params` is CommandExecutionRequestApprovalParams.
    const { command, commandActions } = request.params;
    const label = commandLabel(commandActions, command);
    const actions = commandActions ?? [];
    const readOnly = actions.length > 0 && actions.every((a) => Object.hasOwn(READ_ONLY, a.type) && !SHELL_OPERATORS.test(a.command));
    approvals.push({ command: label, accepted: readOnly });
    if (readOnly) {
      const kinds = [...new Set(actions.map((a) => READ_ONLY[a.type]))].join(', ');
      term.line(`${term.green('✓')} approved ${term.bold(label)}: it only ${kinds} (the demo's handler accepts read-only commands)`);
      return Answers.accept();
    }
    term.line(`${term.red('✗')} declined ${term.bold(label)}: the demo's handler only accepts read-only commands`);
    return Answers.decline();
  };
}

function printSummary(term: Terminal, run: { results: TurnResult[]; approvals: Approval[]; serverReadyMs: number; totalMs: number }): void {
  const { results, approvals } = run;
  term.line();
  term.line(term.bold('── summary ──'));

  let previousTotal = 0;
  for (const [i, r] of results.entries()) {
    const total = r.usage?.total.totalTokens ?? previousTotal;
    row(term, `turn ${i + 1}`, `${r.status} in ${seconds(r.durationMs) ?? '?'} · ${r.items.length} items · ${(total - previousTotal).toLocaleString('en-US')} tokens`);
    previousTotal = total;
  }
  const status = results.find((r) => r.status !== 'completed')?.status ?? 'completed';
  row(term, 'status', status === 'completed' ? term.green(status) : term.red(status));

  const byType = new Map<string, number>();
  for (const item of results.flatMap((r) => r.items)) byType.set(item.type, (byType.get(item.type) ?? 0) + 1);
  row(term, 'items', [...byType].map(([type, n]) => `${type} ${n}`).join(' · '));

  const decisions = (['accepted', 'declined'] as const)
    .map((verb) => ({ verb, commands: approvals.filter((a) => a.accepted === (verb === 'accepted')).map((a) => a.command) }))
    .filter((d) => d.commands.length > 0)
    .map((d) => `${d.commands.length} ${d.verb} (${d.commands.join(', ')})`);
  row(term, 'approvals', decisions.join(' · ') || 'none requested');

  // `usage.total` is the thread's running total: the last turn's is the session's.
  const usage = results.at(-1)?.usage?.total;
  const n = (x: number) => x.toLocaleString('en-US');
  row(term, 'tokens', usage ? `${n(usage.totalTokens)} total = ${n(usage.inputTokens)} input (${n(usage.cachedInputTokens)} cached) + ${n(usage.outputTokens)} output (${n(usage.reasoningOutputTokens)} reasoning)` : 'not reported');

  const turnsMs = results.reduce((sum, r) => sum + (r.durationMs ?? 0), 0);
  row(term, 'durations', `turns ${seconds(turnsMs)} · app-server start ${seconds(run.serverReadyMs)} · whole session ${seconds(run.totalMs)}`);
}

// ---------------------------------------------------------------------------------------------
// Scripted mode: the real binary, a scripted model, a throw-away CODEX_HOME and workspace.
// ---------------------------------------------------------------------------------------------

const ANSWER =
  'codex-rx is an RxJS client for the Codex app-server: every call is a cold Observable, and a turn ' +
  'is a stream of events that completes when the turn does. You are watching one now: this answer ' +
  'arrives delta by delta, exactly as the app-server relays it.';
const REPORT = 'The workspace holds a small Node.js project: README.md, package.json and a src/ folder. Nothing looks out of place.';

/** What the scripted model answers, one step per model request (a turn with a tool call makes two). */
const SCRIPT: ScriptedStep[] = [
  // Turn 1: an answer, streamed in small chunks.
  message(ANSWER, { chunks: 16, delayMsBetweenEvents: 50, usage: { inputTokens: 2410, outputTokens: 54 } }),
  // Turn 2, request 1: run `ls` outside the sandbox, with a reason: Codex asks us to approve.
  // (`login: false`: a plain `bash -c`, no login-shell start-up to wait for.)
  shellCommand('ls', {
    escalate: 'List the files in the workspace to see what it contains',
    extraArgs: { login: false },
    delayMsBetweenEvents: 100,
    usage: { inputTokens: 2475, cachedInputTokens: 2304, outputTokens: 38 },
  }),
  // Turn 2, request 2: Codex sends the command's output back; the model reports.
  message(REPORT, { chunks: 8, delayMsBetweenEvents: 40, usage: { inputTokens: 2560, cachedInputTokens: 2432, outputTokens: 29 } }),
];

async function scriptedSession(): Promise<Session> {
  const model = await ScriptedModelServer.start({ steps: SCRIPT });
  // A throw-away CODEX_HOME whose config.toml sends every model request to `model`.
  const home = await createCodexHome({ modelServerUrl: model.url, approvalPolicy: 'on-request' }).catch(async (e) => {
    await model.close();
    throw e;
  });
  await writeSampleProject(home.workspace);
  const codex = new Codex({ env: home.env, cwd: home.workspace });
  return {
    codex,
    cwd: home.workspace,
    title: 'codex-rx demo · the real codex app-server, a scripted model (no account, no network)',
    details: [['model', `scripted, at ${model.url}`]],
    prompts: ['What is codex-rx, in two sentences?', 'What is in this workspace? Have a look.'],
    async dispose() {
      await codex.close();
      await model.close();
      await home.dispose();
    },
  };
}

async function writeSampleProject(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'src'));
  await fs.writeFile(path.join(dir, 'README.md'), '# greeter\n\nSays hello.\n');
  await fs.writeFile(path.join(dir, 'package.json'), JSON.stringify({ name: 'greeter', version: '1.0.0', main: 'src/greet.js' }, null, 2) + '\n');
  await fs.writeFile(path.join(dir, 'src', 'greet.js'), "exports.greet = (name) => `Hello, ${name}!`;\n");
}

// ---------------------------------------------------------------------------------------------
// Live mode: your Codex home (~/.codex or $CODEX_HOME), your current directory, the real model.
// ---------------------------------------------------------------------------------------------

async function liveSession(prompt: string): Promise<Session> {
  const cwd = process.env.INIT_CWD ?? process.cwd(); // `npm run` starts us in the package root
  // Your Codex home as it is when signed in, else OPENAI_API_KEY for this process only, else a
  // SampleError saying what to do (see samples/support/session.ts).
  const { codex, account } = await connectLive({ cwd, rerun: 'npm run demo' });
  return {
    codex,
    cwd,
    title: 'codex-rx demo --live · the real codex app-server and the real model',
    details: [['account', account]],
    prompts: [prompt, 'Run `ls` in the current directory, then tell me in one sentence what kind of project it is.'],
    dispose: () => codex.close(),
  };
}

// ---------------------------------------------------------------------------------------------

const USAGE = `usage: npm run demo [-- --live ["your prompt"]]

  (no options)   the real codex app-server with a scripted model: no account, no network
  --live         the real model, with your Codex login (~/.codex) or OPENAI_API_KEY
  -h, --help     this text`;

const DEFAULT_LIVE_PROMPT = 'In two sentences: what is in this directory?';

async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({ args: argv, options: { live: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true });
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length > 0 && !args.values.live) {
    process.stderr.write(`a prompt needs --live (the scripted model only knows its script)\n\n${USAGE}\n`);
    return 2;
  }

  const term = new Terminal();
  let session: Session | undefined;
  let interrupted = false;
  process.once('SIGINT', () => {
    // Ctrl-C: end the app-server (and with it the turn), then leave. A second Ctrl-C kills.
    interrupted = true;
    term.stop();
    term.line('interrupted');
    void (session?.dispose() ?? Promise.resolve()).finally(() => process.exit(130));
  });
  try {
    if (args.values.live) {
      term.setStatus('checking your Codex login…');
      session = await liveSession(args.positionals.join(' ') || DEFAULT_LIVE_PROMPT);
    } else {
      session = await scriptedSession();
    }
    await runSession(term, session);
    return 0;
  } catch (e) {
    term.stop();
    if (!interrupted) process.stderr.write(`${e instanceof SampleError ? e.message : `demo failed: ${e instanceof Error ? e.message : String(e)}`}\n`);
    return 1;
  } finally {
    term.stop();
    await session?.dispose();
  }
}

/** One `key  value` line of the header or the summary. */
function row(term: Terminal, key: string, value: string): void {
  term.line(`  ${term.dim(key.padEnd(11))}${value}`);
}

/** `codex_rx/0.169.0 (Debian …)` → `0.169.0`. */
function serverVersion(userAgent: string): string {
  return /\/(\d+\.\d+\.\d+\S*)/.exec(userAgent)?.[1] ?? userAgent;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e) => {
    process.stderr.write(`demo failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
