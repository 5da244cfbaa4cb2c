import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROTOCOL_VERSION, SDK_VERSION } from '../../lib/index';
import { OFFLINE } from './offline-env.js';
import { processesWithMarker } from './processes.js';

// Every sample in samples/, run as a user runs it — `npx tsx samples/<name>.ts`, scripted mode,
// stdout a pipe (not a TTY) — checked for what it demonstrates, its exit code, a clean stderr, and
// no process left behind. Each run starts the real app-server: they run a few at a time, started
// together in beforeAll; each test waits for its own.

const root = path.resolve(__dirname, '..', '..');
const samplesDir = path.join(root, 'samples');
const tsxPackage = require.resolve('tsx/package.json');
const tsxCli = path.join(path.dirname(tsxPackage), (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { bin: string }).bin);

/** Runs at once: enough to overlap the waiting, few enough for 2 cores. */
const CONCURRENCY = 3;
/** A run that takes longer is killed (and fails its test). */
const RUN_TIMEOUT_MS = 150_000;
/** Per test: its run may wait behind the others in the pool. */
const TEST_TIMEOUT_MS = 240_000;

/** OFFLINE, and no Codex home or colour settings from the developer's shell. */
const SAMPLE_ENV = { ...OFFLINE, CODEX_HOME: undefined, NO_COLOR: undefined, FORCE_COLOR: undefined };

interface SampleRun {
  file: string;
  args: string[];
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Processes started by the run (they inherit `SAMPLES_SPEC_RUN=<marker>`) still alive after it. */
  leftovers: string[];
  ms: number;
  timedOut: boolean;
}

interface RunOptions {
  args?: string[];
  /** Written to stdin, which is then closed (default: stdin closed at once). */
  stdin?: string;
  env?: Record<string, string | undefined>;
  /** Point CODEX_HOME at an empty directory (a Codex home with no login). */
  emptyCodexHome?: boolean;
}

function runSample(file: string, home: string, options: RunOptions = {}): Promise<SampleRun> {
  const marker = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, ...SAMPLE_ENV, HOME: home, SAMPLES_SPEC_RUN: marker, ...options.env };
  if (options.emptyCodexHome) env.CODEX_HOME = emptyCodexHome(home);
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  const args = options.args ?? [];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [tsxCli, path.join(samplesDir, file), ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, RUN_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdin.on('error', () => undefined); // a sample that never reads stdin may close it early
    child.stdin.end(options.stdin ?? '');
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Date.now() - started;
      void settledLeftovers(marker).then((leftovers) => resolve({ file, args, code, signal, stdout, stderr, leftovers, ms, timedOut }));
    });
  });
}

/** A Codex home with nothing in it: no config, no login. */
function emptyCodexHome(home: string): string {
  return path.join(home, 'empty-codex-home');
}


/** The marker's processes, after giving any that are on their way out a moment to go. */
async function settledLeftovers(marker: string): Promise<string[]> {
  for (let i = 0; ; i++) {
    const found = processesWithMarker('SAMPLES_SPEC_RUN', marker);
    if (found.length === 0 || i >= 20) return found;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asserts each text occurs in `output`, in this order. */
function expectInOrder(output: string, texts: Array<string | RegExp>): void {
  let from = 0;
  for (const text of texts) {
    const rest = output.slice(from);
    let index = -1;
    let length = 0;
    if (typeof text === 'string') {
      index = rest.indexOf(text);
      length = text.length;
    } else {
      const m = text.exec(rest);
      if (m) {
        index = m.index;
        length = m[0].length;
      }
    }
    if (index < 0) throw new Error(`expected ${typeof text === 'string' ? JSON.stringify(text) : String(text)} after position ${from} of:\n${output}`);
    from += index + length;
  }
}

/** What every scripted run must do: exit 0, say nothing on stderr, plain text, nothing left running. */
function expectClean(run: SampleRun): void {
  const name = run.file.replace(/\.ts$/, '');
  expect({ sample: run.file, timedOut: run.timedOut, code: run.code, signal: run.signal, stderr: run.stderr }).toEqual({ sample: run.file, timedOut: false, code: 0, signal: null, stderr: '' });
  expect(run.stdout.startsWith(`${name} · the real codex app-server and a scripted model at http://127.0.0.1:`)).toBe(true);
  expect(run.stdout).not.toMatch(/\x1b\[/); // not a TTY: no ANSI escapes
  expect(run.leftovers).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The runs: one pool, started once.

interface Planned {
  key: string;
  file: string;
  options?: RunOptions;
}

const PLANNED: Planned[] = [];
function plan(key: string, file: string, options?: RunOptions): string {
  PLANNED.push({ key, file, options });
  return key;
}

let home: string;
let results: Map<string, Promise<SampleRun>> | undefined;

function startPool(): Map<string, Promise<SampleRun>> {
  const map = new Map<string, Promise<SampleRun>>();
  const queue = [...PLANNED];
  const resolvers = new Map<string, { resolve: (r: SampleRun) => void; reject: (e: unknown) => void }>();
  for (const p of PLANNED) map.set(p.key, new Promise<SampleRun>((resolve, reject) => resolvers.set(p.key, { resolve, reject })));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const r = resolvers.get(next.key)!;
      await runSample(next.file, home, next.options).then(r.resolve, r.reject);
    }
  };
  for (let i = 0; i < CONCURRENCY; i++) void worker();
  return map;
}

function result(key: string): Promise<SampleRun> {
  results ??= startPool();
  const run = results.get(key);
  if (!run) throw new Error(`no planned run ${key}`);
  return run;
}

beforeAll(async () => {
  home = await fs.mkdtemp(path.join(os.tmpdir(), 'codex-rx-samples-spec-'));
  await fs.mkdir(emptyCodexHome(home));
  results = startPool();
});

afterAll(async () => {
  if (results) await Promise.allSettled(results.values());
  await fs.rm(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
});

// ---------------------------------------------------------------------------------------------

/** Samples covered elsewhere, and where. */
const COVERED_ELSEWHERE: Record<string, string> = { 'demo.ts': 'spec/samples/demo.spec.ts' };

const QUICKSTART = plan('quickstart', 'quickstart.ts');
const QUICKSTART_LIVE = plan('quickstart --live (no credentials)', 'quickstart.ts', { args: ['--live'], emptyCodexHome: true });
const RUN_A_TURN = plan('run-a-turn', 'run-a-turn.ts');
const STREAM_EVENTS = plan('stream-events', 'stream-events.ts');
const MODELS = plan('models-and-metadata', 'models-and-metadata.ts');
const RESUME = plan('resume-thread', 'resume-thread.ts');
const LIFECYCLE = plan('thread-lifecycle', 'thread-lifecycle.ts');
const IMAGE = plan('image-and-text', 'image-and-text.ts');
const LOCAL_IMAGE = plan('local-image-and-text', 'local-image-and-text.ts');
const PROMISES = plan('promise-interop', 'promise-interop.ts');
const ERRORS = plan('errors-and-retry', 'errors-and-retry.ts');
const CLI_EOF = plan('interactive-cli (lines, then end of input)', 'interactive-cli.ts', { stdin: 'hello there\n\n/new\nwhat is rxjs?\n' });
const CLI_EXIT = plan('interactive-cli (/exit)', 'interactive-cli.ts', { stdin: 'first\n/exit\nnever asked\n' });
const EVERY_OPTION = plan('every-turn-option', 'every-turn-option.ts');
const MODEL_SELECTION = plan('model-selection', 'model-selection.ts');
const TURN_CONTROLS = plan('turn-controls', 'turn-controls.ts');
const LOGIN = plan('login-and-account', 'login-and-account.ts');
const APPROVALS_HANDLER = plan('approvals-handler', 'approvals-handler.ts');
const APPROVALS_PENDING = plan('approvals-pending-stream', 'approvals-pending-stream.ts');
const STRUCTURED = plan('structured-output', 'structured-output.ts');
const PROGRESS = plan('progress-ui', 'progress-ui.ts');
const COMMAND_EXEC = plan('command-exec', 'command-exec.ts');
const PROCESS_SPAWN = plan('process-spawn', 'process-spawn.ts');
const FILE_WATCH = plan('file-watch', 'file-watch.ts');
const FILE_SEARCH = plan('file-search', 'file-search.ts');
const THREAD_SEARCH = plan('thread-search', 'thread-search.ts');
const REVIEW = plan('review', 'review.ts');
const LIVE_STATE = plan('live-state', 'live-state.ts');

describe('samples/ (each run with `tsx`, scripted model, stdout not a TTY)', () => {
  test('every sample in samples/*.ts has a run in this spec (or is covered by its own spec)', () => {
    const files = readdirSync(samplesDir).filter((f) => f.endsWith('.ts'));
    const planned = new Set(PLANNED.map((p) => p.file));
    const missing = files.filter((f) => !planned.has(f) && !COVERED_ELSEWHERE[f]);
    expect(missing).toEqual([]);
    for (const spec of Object.values(COVERED_ELSEWHERE)) expect(existsSync(path.join(root, spec))).toBe(true);
    for (const file of planned) expect(files).toContain(file);
    // Each sample says what it shows and how to run it.
    for (const file of planned) {
      const text = readFileSync(path.join(samplesDir, file), 'utf8');
      expect({ file, header: text.startsWith('/**') && text.includes(`npx tsx samples/${file}`) && text.includes('--live') }).toEqual({ file, header: true });
    }
  });

  test('quickstart: one thread, one turn, the answer', async () => {
    const run = await result(QUICKSTART);
    expectClean(run);
    expectInOrder(run.stdout, [
      '› Say hello to a new codex-rx user, in one sentence.\n',
      'Hello, and welcome to codex-rx: every call is an Observable, and a turn is a stream of events.\n',
      /status: completed · \d+ tokens · \d+ ms\n$/,
    ]);
  }, TEST_TIMEOUT_MS);

  test('--live without a Codex login or OPENAI_API_KEY explains what is missing (shared by every sample)', async () => {
    const run = await result(QUICKSTART_LIVE);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expectInOrder(run.stderr, [
      '--live talks to the real model, and it needs credentials. None were found:',
      `no Codex login in ${await fs.realpath(emptyCodexHome(home))}`,
      'OPENAI_API_KEY is not set',
      'npx codex login',
      'export OPENAI_API_KEY=',
      'Or run `npx tsx samples/quickstart.ts` without --live',
    ]);
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    expect(run.leftovers).toEqual([]);
  }, TEST_TIMEOUT_MS);

  test('run-a-turn: every field of the TurnResult, items in order', async () => {
    const run = await result(RUN_A_TURN);
    expectClean(run);
    expectInOrder(run.stdout, [
      /thread \S+ · model mock-model\n/,
      'TurnResult:',
      /id +\S+ \(thread matches\)\n/,
      /status +completed\n/,
      /error +null\n/,
      /startedAt +\d{4}-\d\d-\d\dT.+Z · completedAt \d{4}-\d\d-\d\dT.+Z · durationMs \d+\n/,
      'finalResponse  "The directory holds a README and a notes file."',
      'items          4, in order:',
      '- userMessage: "Run `ls` in the current directory',
      '- agentMessage (phase commentary): "Let me list the files first."',
      /- commandExecution: .*\bls → completed, exit 0, output "README.md\\nnotes.txt\\n"\n/,
      '- agentMessage (phase final_answer): "The directory holds a README and a notes file."',
      /usage.last +1214 tokens \(1200 in, 1024 cached, 14 out\)\n/,
      /usage.total +\d+ tokens for the whole thread so far\n$/,
    ]);
  }, TEST_TIMEOUT_MS);

  test('stream-events: every event in order as it arrives, agentText() snapshots, the hot stream', async () => {
    const run = await result(STREAM_EVENTS);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── 1. thread.turn(): every event ──',
      'turn/started (status inProgress)',
      'item/started userMessage',
      'item/completed userMessage',
      'item/started agentMessage',
      'item/agentMessage/delta "Stream"',
      'item/agentMessage/delta "s arri"',
      'item/agentMessage/delta "ve pie"',
      'item/agentMessage/delta "ce by "',
      'item/agentMessage/delta "piece."',
      'item/completed agentMessage',
      'turn/completed (status completed)',
      'the answer came in 5 deltas: "Stream" + "s arri" + "ve pie" + "ce by " + "piece."',
      '── 2. agentText(): the running text ──',
      '  "One, "\n  "One, two, t"\n  "One, two, three,"\n  "One, two, three, four."\n',
      '── 3. codex.notifications$: everything the server sent ──',
    ]);
    const hot = run.stdout.slice(run.stdout.indexOf('── 3.'));
    for (const line of ['thread/started ×1', 'turn/started ×2', 'item/agentMessage/delta ×9', 'turn/completed ×2']) expect(hot).toContain(line);
    // The deltas were printed as they arrived, spread over time (the model paused 60 ms between them).
    const at = (delta: string) => Number(new RegExp(`\\+ *(\\d+) ms  item/agentMessage/delta ${delta}`).exec(run.stdout)![1]);
    expect(at('"piece."') - at('"Stream"')).toBeGreaterThanOrEqual(150);
  }, TEST_TIMEOUT_MS);

  test('models-and-metadata: the initialize answer, the model list, a thread\'s info', async () => {
    const run = await result(MODELS);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── the app-server (initialize) ──',
      /userAgent +\S+\/\d+\.\d+\.\d+/,
      /codexHome +\/\S*codex-home\n/,
      /platform +\w+ \(\w+\)\n/,
      `codex-rx      ${SDK_VERSION}, protocol generated from codex ${PROTOCOL_VERSION}`,
      'codex.metadata === initialize answer: true',
      '── models (model/list): 2 ──',
      '* mock-model     Mock model — A quick scripted model',
      'efforts: none · input: text, image',
      '  mock-large     Mock large — A scripted model that "thinks"',
      'efforts: low, medium, high (default medium)',
      '── a new thread (thread.info) ──',
      /model +mock-model \(provider mock\)\n/,
      /cwd +\/\S+\n/,
      /status +idle · ephemeral true · cliVersion \S+\n$/,
    ]);
  }, TEST_TIMEOUT_MS);

  test('resume-thread: a new app-server resumes the thread and the model gets its history', async () => {
    const run = await result(RESUME);
    expectClean(run);
    const id = /started thread (\S+)\n/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    expectInOrder(run.stdout, [
      '› Remember the word "pineapple" for later. Just reply OK.\n  OK.\n',
      'closed the first client: its app-server process has ended',
      `resumed thread ${id} in a new app-server · preview: "Remember the word \\"pineapple\\" for later. Just reply OK."`,
      /stored turns: \S+ \(completed\)\n/,
      '› Which word did I ask you to remember?\n  You asked me to remember "pineapple".\n',
      'the scripted model was shown this conversation for the second turn:\n' +
        '  user      Remember the word "pineapple" for later. Just reply OK.\n' +
        '  assistant OK.\n' +
        '  user      Which word did I ask you to remember?\n',
    ]);
  }, TEST_TIMEOUT_MS);

  test('thread-lifecycle: rename, fork, list, archive/unarchive, compact', async () => {
    const run = await result(LIFECYCLE);
    expectClean(run);
    expectInOrder(run.stdout, [
      '  turn 1: Bring sandwiches, lemonade and a blanket.',
      'renamed   → "Picnic plans"',
      /forked +\S+ \(forkedFromId the first thread\), renamed → "Picnic plans \(rainy day\)"/,
      '  fork turn: If it rains: the same food, under the museum café awning.',
      "the model was shown: user: Plan a picnic in one sentence. | assistant: Bring sandwiches, lemonade and a blanket. | user: And if it rains?",
      'listed    "Picnic plans (rainy day)", "Picnic plans"\n',
      'archived  the fork',
      'listed    "Picnic plans"\n',
      'archived: "Picnic plans (rainy day)"\n',
      'unarchived the fork',
      'listed    "Picnic plans (rainy day)", "Picnic plans"\n',
      'compact   requested',
      'compacted: the compaction turn completed, with a contextCompaction item',
      'the thread now has 2 turns: userMessage+agentMessage, contextCompaction',
    ]);
    expect(run.stdout).not.toContain('archived both threads'); // only with --live
  }, TEST_TIMEOUT_MS);

  test('image-and-text: the data: URL reaches the model unchanged; the sample says the scripted model cannot see', async () => {
    const run = await result(IMAGE);
    expectClean(run);
    expectInOrder(run.stdout, [
      /image: a PNG as a data: URL, \d+ characters \(data:image\/png;base64,/,
      "the turn's user message has 2 parts: text + image",
      'Codex sent the model an input_image: our data: URL, unchanged, detail high',
      'the scripted model answers: The left half is red and the right half is blue.',
      '(the scripted model cannot see images: that answer was written in advance. Run with --live for a real look.)',
    ]);
  }, TEST_TIMEOUT_MS);

  test('local-image-and-text: the app-server reads the file and sends exactly its bytes', async () => {
    const run = await result(LOCAL_IMAGE);
    expectClean(run);
    expectInOrder(run.stdout, [
      /wrote \/\S+\/stripes\.png \(\d+ bytes\)\n/,
      "the turn's user message: text + localImage /",
      'Codex sent the model the file as an input_image: a data: URL with exactly our PNG bytes',
      /labelled <image name=\[Image #1\] path="\/\S+\/stripes\.png">/,
      'the scripted model answers: Red, green, blue.',
      '(the scripted model cannot see images',
    ]);
  }, TEST_TIMEOUT_MS);

  test('promise-interop: firstValueFrom/lastValueFrom, and firstValueFrom on a turn interrupting it', async () => {
    const run = await result(PROMISES);
    expectClean(run);
    expectInOrder(run.stdout, [
      /await firstValueFrom\(codex\.threadStart\(\)\) +→ Thread \S+\n/,
      'await lastValueFrom(defer(readFile) → run)  → completed: Tea: a leaf, hot water and patience.',
      /await lastValueFrom\(turn\.pipe\(toArray\(\)\)\) +→ \d+ events, the last turn\/completed\n/,
      'await firstValueFrom(thread.turn(…))        → turn/started, and then it unsubscribed…',
      '…so codex-rx sent turn/interrupt: the turn ended "interrupted"',
    ]);
  }, TEST_TIMEOUT_MS);

  test('errors-and-retry: HTTP 500 → TurnFailedError; -32001 → ServerBusyError, retried; ValidationError with nothing sent', async () => {
    const run = await result(ERRORS);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── 1. a turn that fails ──',
      /TurnFailedError: turn \S+ failed: .+\n/,
      /turnId \S+ · codexErrorInfo "internalServerError" · retryable: false\n/,
      'the thread is still usable: the next turn completed ("Fine this time.")',
      '── 2. an overloaded server (-32001) ──',
      'without a retry: ServerBusyError "model/list: Server overloaded; retry later (-32001)" · code -32001 · retryable: true',
      'attempt 1: ServerBusyError, retrying after a backoff',
      'attempt 2: ok, 1 model(s) listed, first mock-model',
      '── 3. refused before anything is sent ──',
      'an unknown option: ValidationError "turn options: temperature is not a known option',
      'issues [{"path":"temperature"',
      'a CodexError: true · retryable: false',
      'a value the protocol does not allow: ValidationError "turn/start params: summary must be one of',
      'issues [{"path":"summary"',
      'an empty input: ValidationError "input: input must not be empty"',
      'messages sent to the app-server meanwhile: 0',
      'requests the scripted model got meanwhile: 0',
    ]);
  }, TEST_TIMEOUT_MS);

  test('interactive-cli: reads prompts from stdin, streams each answer, quits at the end of input', async () => {
    const run = await result(CLI_EOF);
    expectClean(run);
    expectInOrder(run.stdout, [
      'type a prompt and press Enter',
      '› hello there\n  (scripted) You said "hello there". With --live, the real model answers.\n',
      '› /new\n  (new thread ',
      '› what is rxjs?\n  (scripted) You said "what is rxjs?". With --live, the real model answers.\n',
      'bye: 2 turn(s)\n',
    ]);
    expect(run.stdout).not.toContain('› \n'); // the empty line is skipped
  }, TEST_TIMEOUT_MS);

  test('interactive-cli: /exit quits; lines after it are not asked', async () => {
    const run = await result(CLI_EXIT);
    expectClean(run);
    expectInOrder(run.stdout, ['› first\n  (scripted) You said "first".', 'bye: 1 turn(s)\n']);
    expect(run.stdout).not.toContain('never asked');
  }, TEST_TIMEOUT_MS);

  test('every-turn-option: the turn/start params sent, and what the model received', async () => {
    const run = await result(EVERY_OPTION);
    expectClean(run);
    expectInOrder(run.stdout, [
      'thread.run(prompt, options) with:',
      'model          "mock-large"',
      'sandbox        "readOnly"',
      'approvalMode   "denyAll"',
      'serviceTier    "flex"',
      'result: completed · output {"colour":"blue"} · output.colour = blue',
      'the turn/start params codex-rx sent (besides threadId and input):',
      'model          "mock-large"',
      /cwd +"\/\S+"\n/,
      'effort         "low"',
      'summary        "concise"',
      'outputSchema   {"type":"object","properties":{"colour":{"type":"string"}},"required":["colour"],"additionalProperties":false}',
      'personality    "none"',
      'serviceTier    "flex"',
      'sandboxPolicy  {"type":"readOnly","networkAccess":false}',
      'approvalPolicy "never"',
      '…and what the scripted model received (Responses API request):',
      'model          mock-large',
      'reasoning      {"effort":"low","summary":"concise"}',
      'service_tier   flex',
      'text.format    json_schema "codex_output_schema", strict true, schema {"type":"object"',
      'sandbox        read-only',
      /cwd +\/\S+ \(in <environment_context>\)\n$/,
    ]);
  }, TEST_TIMEOUT_MS);

  test('model-selection: thread model, a per-turn switch, and that it persists', async () => {
    const run = await result(MODEL_SELECTION);
    expectClean(run);
    expectInOrder(run.stdout, [
      'models: mock-model (default), mock-large',
      'chosen: thread model mock-model; for one turn, mock-large with effort low',
      'thread.info.model: mock-model',
      '› Who answers? (thread model)\n  Answered by the thread model. · thread now on mock-model · the request went to mock-model\n',
      '› Who answers now? (turn override) {"model":"mock-large","effort":"low"}\n  Answered by the turn model. · thread now on mock-large (effort low) · the request went to mock-large (effort low)\n',
      '› And now, with no options?\n  Still the turn model. · thread now on mock-large (effort low) · the request went to mock-large (effort low)\n',
    ]);
  }, TEST_TIMEOUT_MS);

  test('turn-controls: steer, interrupt(), unsubscribe', async () => {
    const run = await result(TURN_CONTROLS);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── 1. steer ──',
      '(the answer has started: steering) › Actually, make it 2 lines about mountains.',
      /steer accepted for turn \S+\n/,
      'the turn completed with: Mountains stand, the snow lies still, the wind goes by, and so it will.',
      "the model's second request, within the same turn, showed: user: Write a 20-line poem about the sea. | user: Actually, make it 2 lines about mountains.",
      '── 2. thread.interrupt() ──',
      'first words: "1," → thread.interrupt()',
      /the turn interrupted after \d+ ms \(the stream completed, with a TurnResult\)\n/,
      '── 3. unsubscribe ──',
      'first words: "1," → unsubscribed',
      'codex-rx sent turn/interrupt: the turn ended "interrupted" (subscription closed: true)',
    ]);
    expect(run.stdout).toContain('  interrupt accepted\n');
  }, TEST_TIMEOUT_MS);

  test('login-and-account: account(), loginApiKey refused locally, a ChatGPT login handle started and cancelled', async () => {
    const run = await result(LOGIN);
    expectClean(run);
    expectInOrder(run.stdout, [
      'account():        { account: null, requiresOpenaiAuth: false }',
      '→ no sign-in needed',
      `loginApiKey(''):  ValidationError "loginApiKey: apiKey must be a non-empty string" (nothing sent)`,
      'loginApiKey(key): only with --live and OPENAI_API_KEY',
      'loginChatgpt():   a handle',
      /loginId +[0-9a-f-]{36}\n/,
      /authUrl +https:\/\/auth\.openai\.com\/oauth\/authorize\?client_id=…&redirect_uri=http:\/\/(localhost|127\.0\.0\.1):\d+\/auth\/callback&… \(open it in a browser\)\n/,
      'completed$      emits the account/login/completed of this login, then completes',
      'cancel()        stops waiting (account/login/cancel)',
      'cancel():         accepted',
      /completed\$: +success false · error ".+"\n/,
      'loginChatgptDeviceCode(): a handle with userCode and verificationUrl (not run',
    ]);
  }, TEST_TIMEOUT_MS);

  test('approvals-handler: handleRequests per method, a turn handler first, answers applied', async () => {
    const run = await result(APPROVALS_HANDLER);
    expectClean(run);
    expectInOrder(run.stdout, [
      "[thread handler] run /bin/bash -c 'echo hello from codex-rx' (reason: Print a greeting) → accept",
      "[thread handler] run /bin/bash -c 'rm -rf build' (reason: Clean the build folder) → decline",
      '[thread handler] change NOTES.md → accept: inside the workspace',
      `command /bin/bash -c 'echo hello from codex-rx' → completed: "hello from codex-rx\\n"`,
      "command /bin/bash -c 'rm -rf build' → declined",
      'file change NOTES.md → completed',
      'NOTES.md exists: true',
      '› turn 2',
      '[turn handler] run /bin/bash -c date → accept',
      'command /bin/bash -c date → completed, exit 0',
    ]);
    expect(run.stdout).not.toMatch(/\[thread handler\] run \S+ -c date/); // the turn handler claimed it
  }, TEST_TIMEOUT_MS);

  test('approvals-pending-stream: requests wait on pendingRequests$ and are answered with respond()', async () => {
    const run = await result(APPROVALS_PENDING);
    expectClean(run);
    expectInOrder(run.stdout, [
      'not a terminal: a stand-in user answers (echo yes, anything else no)',
      /\? request \S+ \(turn \S+\): run \/bin\/bash -c 'echo approved from a dialog' \(Print a line\) in \/\S+\?\n/,
      '  → accepted',
      /\? request \S+ \(turn \S+\): apply a file change \(item \S+\)\?\n/,
      '  → declined',
      `command /bin/bash -c 'echo approved from a dialog' → completed: "approved from a dialog\\n"`,
      'file change TODO.md → declined',
      'answer: The echo ran; TODO.md was not added because you said no.',
    ]);
  }, TEST_TIMEOUT_MS);

  test('structured-output: output parsed and typed; a non-matching answer → ValidationError with paths and raw', async () => {
    const run = await result(STRUCTURED);
    expectClean(run);
    expectInOrder(run.stdout, [
      'raw answer:  {"name":"RxJS","languages":["TypeScript","JavaScript"],"stars":31000}',
      'output:      name "RxJS" · languages TypeScript, JavaScript · stars 31,000',
      'the model was asked for: json_schema (strict: true), the schema as given: true',
      'ValidationError: structured output:',
      '  at languages: must be an array',
      '  at stars: must be >= 0',
      '  raw: {"name":"RxJS","languages":"TypeScript","stars":-1}',
    ]);
  }, TEST_TIMEOUT_MS);

  test('progress-ui: turnProgress() frames — items going from running to done, a pending approval, the end', async () => {
    const run = await result(PROGRESS);
    expectClean(run);
    expectInOrder(run.stdout, [
      /turn \S+ · inProgress · [\d.]+ s\n/,
      '  … reasoning',
      '  ✓ reasoning        Looking at the workspace first',
      '  … commandExecution /bin/bash -c ls\n',
      '  ✓ commandExecution /bin/bash -c ls → completed (exit 0)',
      "  ⏸ waiting for approval: /bin/bash -c 'touch notes.txt'",
      "  ✓ commandExecution /bin/bash -c 'touch notes.txt' → completed (exit 0)",
      '  … agentMessage',
      /turn \S+ · completed · [\d.]+ s\n/,
      '  ✓ agentMessage     "The folder held a README; I added an empty note…" (88 chars)',
      '  tokens 2,450',
      /done: completed, 5 items, \d+ frames drawn\n$/,
    ]);
    // A log gets a frame per change of status, item or approval — not one per text delta.
    const frames = run.stdout.match(/^turn \S+ · /gm) ?? [];
    expect(frames.length).toBeLessThan(25);
  }, TEST_TIMEOUT_MS);

  // Streams (lib/streams): one sample per family.

  test('command-exec: output chunks as they arrive, stdin from an Observable, unsubscribe = terminate', async () => {
    const run = await result(COMMAND_EXEC);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── 1. output as it arrives ──',
      /\+ *\d+ ms  stdout "line 1\\n"\n/,
      /\+ *\d+ ms  stdout "line 2\\n"\n/,
      /\+ *\d+ ms  stdout "line 3\\n"\n/,
      /\+ *\d+ ms  stderr "warning: done\\n"\n/,
      '  exit 2\n',
      '── 2. stdin from an Observable ──',
      '  tr a-z A-Z printed "HELLO FROM STDIN\\n"',
      '── 3. unsubscribe = terminate ──',
      'stdout "sleeping for 30 s\\n"',
      /stopped listening after \d+ ms → sent command\/exec\/terminate \{"processId":"codex-rx-exec-\S+"\}\n$/,
    ]);
    // Streamed: the lines came ~200 ms apart, not all at the exit.
    const at = (line: string) => Number(new RegExp(`\\+ *(\\d+) ms  stdout "${line}`).exec(run.stdout)![1]);
    expect(at('line 3') - at('line 1')).toBeGreaterThanOrEqual(300);
  }, TEST_TIMEOUT_MS);

  test('process-spawn: output and exit, a stdin conversation, unsubscribe = kill', async () => {
    const run = await result(PROCESS_SPAWN);
    expectClean(run);
    expectInOrder(run.stdout, [
      /stdout: pwd is \/\S+\/workspace\n/,
      '  stderr: to stderr\n  exit 0\n',
      '  → 1 2\n  ← 1 + 2 = 3\n  → 20 22\n  ← 20 + 22 = 42\n  → 100 -1\n  ← 100 + -1 = 99\n  ← bye\n  exit 0\n',
      /firstValueFrom took the first chunk and unsubscribed → sent process\/kill \{"processHandle":"codex-rx-process-\S+"\}\n$/,
    ]);
  }, TEST_TIMEOUT_MS);

  test('file-watch: the files it writes arrive as fs/changed; unwatch when done', async () => {
    const run = await result(FILE_WATCH);
    expectClean(run);
    expectInOrder(run.stdout, ['watching workspace/watched', 'all 3 files seen; unsubscribed → sent fs/unwatch {"watchId":"codex-rx-watch-']);
    for (const f of ['notes.md', 'todo.txt', 'data.json']) expect(run.stdout).toContain(`  fs/changed ${f}\n`);
  }, TEST_TIMEOUT_MS);

  test('file-search: each keystroke refines the matches; the last query wins', async () => {
    const run = await result(FILE_SEARCH);
    expectClean(run);
    expectInOrder(run.stdout, [
      '"user"  done     src/app/user-list.component.ts\n',
      '"main"  done     src/main.ts\n',
      'final: "main" → src/main.ts\n',
    ]);
    // Nothing about an earlier query after "main" was typed.
    expect(run.stdout.slice(run.stdout.indexOf('  "main"'))).not.toMatch(/"u"|"us"|"use"|"user"/);
  }, TEST_TIMEOUT_MS);

  test('thread-search: the threads it created that mention the term, not the other one', async () => {
    const run = await result(THREAD_SEARCH);
    expectClean(run);
    expectInOrder(run.stdout, ['created thread 3:', '── searching "pineapple" ──', 'final page: 2 thread(s), 2 of the ones just created', 'thread 2 (banana bread) was not found']);
    expect(run.stdout).toContain('  thread 1: "Give me a pineapple salsa recipe in one line."');
    expect(run.stdout).toContain('  thread 3: "One line: is pineapple on pizza allowed?"');
  }, TEST_TIMEOUT_MS);

  test('review: turnProgress() frames of the review turn, then its result', async () => {
    const run = await result(REVIEW);
    expectClean(run);
    expectInOrder(run.stdout, [
      '› review/start {"type":"custom"',
      '  inProgress: enteredReviewMode',
      'exitedReviewMode',
      /  completed: .*exitedReviewMode/,
      /status completed · \d+ items\n/,
      'review: One finding: README.md says "recieve"; it should be "receive". Otherwise fine.\n',
    ]);
  }, TEST_TIMEOUT_MS);

  test('live-state: current values, then each change; client-wide states', async () => {
    const run = await result(LIVE_STATE);
    expectClean(run);
    expectInOrder(run.stdout, [
      '── subscribed: the current values ──',
      '── after thread.setName("Live state demo") ──\n  name$       "Live state demo"\n',
      '── after a turn ──',
      '── client-wide ──',
      '  remoteControlStatus$ disabled',
      '  mcpServerStatus$     0 server(s)',
      '  rateLimits$          error: account/rateLimits/read: codex account authentication required',
    ]);
    const first = run.stdout.slice(run.stdout.indexOf('── subscribed'), run.stdout.indexOf('── after thread.setName'));
    for (const line of ['status$     idle', 'name$       null', 'tokenUsage$ null (nothing used yet)']) expect(first).toContain(line);
    const turn = run.stdout.slice(run.stdout.indexOf('── after a turn'), run.stdout.indexOf('── client-wide'));
    expectInOrder(turn, ['status$     active', 'status$     idle']);
    expect(turn).toContain('tokenUsage$ 1214 tokens in total');
  }, TEST_TIMEOUT_MS);
});
