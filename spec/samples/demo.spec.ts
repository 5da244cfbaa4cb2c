import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCodexHome, message, ScriptedModelServer, shellCommand } from '../../lib/testing/node/index';
import { OFFLINE } from './offline-env.js';
import { processesWithMarker } from './processes.js';

// `npm run demo` is `tsx samples/demo.ts`: run that file the same way, with stdout a pipe (not a
// TTY), and check what a person would see in a log.
const root = path.resolve(__dirname, '..', '..');
const demo = path.join(root, 'samples', 'demo.ts');
const tsxPackage = require.resolve('tsx/package.json');
const tsxCli = path.join(path.dirname(tsxPackage), (JSON.parse(readFileSync(tsxPackage, 'utf8')) as { bin: string }).bin);

interface DemoRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** When each stdout chunk arrived (ms since start) and its text. */
  chunks: Array<{ at: number; text: string }>;
  /** The run's marker: every process it started inherits `DEMO_SPEC_RUN=<marker>`. */
  marker: string;
}

function runDemo(args: string[], options: { env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<DemoRun> {
  const marker = randomUUID();
  const env: Record<string, string | undefined> = { ...process.env, DEMO_SPEC_RUN: marker, NO_COLOR: undefined, ...options.env };
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key];
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [tsxCli, demo, ...args], { cwd: options.cwd ?? root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: DemoRun['chunks'] = [];
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => chunks.push({ at: Date.now() - started, text }));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout: chunks.map((c) => c.text).join(''), stderr, chunks, marker }));
  });
}


/** When the stdout character at `offset` arrived (ms since start). */
function arrivalOf(run: DemoRun, offset: number): number {
  let seen = 0;
  for (const chunk of run.chunks) {
    seen += chunk.text.length;
    if (offset < seen) return chunk.at;
  }
  throw new Error(`offset ${offset} is past the end of stdout`);
}

/** Asserts each text occurs in `output`, in this order. */
function expectInOrder(output: string, texts: Array<string | RegExp>): void {
  let from = 0;
  for (const text of texts) {
    const rest = output.slice(from);
    const match = typeof text === 'string' ? { index: rest.indexOf(text), length: text.length } : (() => {
      const m = text.exec(rest);
      return { index: m ? m.index : -1, length: m ? m[0].length : 0 };
    })();
    if (match.index < 0) throw new Error(`expected ${String(text)} after position ${from} of:\n${output}`);
    from += match.index + match.length;
  }
}

describe('npm run demo', () => {
  let temp: string;

  beforeEach(async () => {
    temp = await fs.mkdtemp(path.join(os.tmpdir(), 'codex-rx-demo-spec-'));
  });

  afterEach(async () => {
    await fs.rm(temp, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  });

  test('runs a whole session against the real app-server and a scripted model: streamed answer, approval, command, summary', async () => {
    const run = await runDemo([], { env: { ...OFFLINE, HOME: temp, CODEX_HOME: undefined } });

    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    expect(run.stdout).not.toMatch(/\x1b\[/); // not a TTY: plain lines, no ANSI escapes
    expectInOrder(run.stdout, [
      'codex-rx demo',
      '── turn 1 ──',
      '› What is codex-rx, in two sentences?',
      '  codex-rx is an RxJS client for the Codex app-server',
      'exactly as the app-server relays it.\n',
      /✓ agent message · 252 chars, streamed in 16 chunks/,
      '── turn 2 ──',
      '? approval requested: run `ls`',
      'reason: List the files in the workspace to see what it contains',
      "✓ approved `ls`: it only lists files (the demo's handler accepts read-only commands)",
      '✓ ran `ls` · exit 0',
      '│ README.md\n',
      '│ package.json\n',
      '│ src\n',
      '  The workspace holds a small Node.js project: README.md, package.json and a src/ folder.',
      '── summary ──',
      /turn 1 +completed in [\d.]+ m?s · 2 items · 2,464 tokens/,
      /turn 2 +completed in [\d.]+ m?s · 3 items · 5,102 tokens/,
      /status +completed\n/,
      /items +userMessage 2 · agentMessage 2 · commandExecution 1\n/,
      /approvals +1 accepted \(`ls`\)\n/,
      /tokens +7,566 total = 7,445 input \(4,736 cached\) \+ 121 output \(0 reasoning\)\n/,
      /durations +turns .+ · app-server start .+ · whole session .+\n$/,
    ]);

    // The answer streamed: its first words were on stdout well before its last ones.
    const start = run.stdout.indexOf('codex-rx is an RxJS');
    const end = run.stdout.indexOf('relays it.');
    expect(arrivalOf(run, end) - arrivalOf(run, start)).toBeGreaterThanOrEqual(300);

    expect(processesWithMarker('DEMO_SPEC_RUN', run.marker)).toEqual([]);
  }, 120_000);

  test('--live without a Codex login or OPENAI_API_KEY explains what is missing and exits non-zero', async () => {
    const run = await runDemo(['--live', 'hello'], { env: { ...OFFLINE, HOME: temp, CODEX_HOME: temp } });

    expect(run.code).toBe(1);
    expect(run.stderr).toContain('--live talks to the real model, and it needs credentials. None were found:');
    expect(run.stderr).toContain(`no Codex login in ${await fs.realpath(temp)}`);
    expect(run.stderr).toContain('OPENAI_API_KEY is not set');
    expect(run.stderr).toContain('npx codex login');
    expect(run.stderr).toContain('export OPENAI_API_KEY=');
    expect(run.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m); // no stack trace
    expect(run.stdout).toBe('');
    expect(processesWithMarker('DEMO_SPEC_RUN', run.marker)).toEqual([]);
  }, 90_000);

  test('--live uses your CODEX_HOME and current directory (here: a provider that needs no login, served by a scripted model)', async () => {
    const model = await ScriptedModelServer.start({
      steps: [
        message('Hi! This directory holds a single notes file.', { chunks: 4 }),
        shellCommand('ls', { escalate: 'List the files', extraArgs: { login: false } }),
        message('It is a notes folder, not a code project.'),
      ],
    });
    const home = await createCodexHome({ modelServerUrl: model.url });
    try {
      await fs.writeFile(path.join(home.workspace, 'notes.txt'), 'remember the milk\n');
      // As `npm run demo -- --live …` from the workspace: npm starts scripts in the package root.
      const run = await runDemo(['--live', 'Say hi, briefly'], { env: { ...OFFLINE, HOME: temp, CODEX_HOME: home.dir, INIT_CWD: home.workspace } });

      expect(run.code).toBe(0);
      expectInOrder(run.stdout, [
        'codex-rx demo --live',
        /account +no sign-in needed/,
        `workspace  ${await fs.realpath(home.workspace)}`,
        '› Say hi, briefly',
        '  Hi! This directory holds a single notes file.',
        '› Run `ls` in the current directory',
        "✓ approved `ls`: it only lists files (the demo's handler accepts read-only commands)",
        '│ notes.txt',
        '  It is a notes folder, not a code project.',
        /status +completed/,
        /approvals +1 accepted/,
      ]);
      expect(model.responseRequests[0].rawBody).toContain('Say hi, briefly');
      expect(processesWithMarker('DEMO_SPEC_RUN', run.marker)).toEqual([]);
    } finally {
      await model.close();
      await home.dispose();
    }
  }, 120_000);
});
