#!/usr/bin/env node
/**
 * A scriptable stand-in for `codex app-server --listen stdio://`: a real child process speaking
 * JSONL on stdin/stdout, for reliability tests through the real StdioTransport.
 *
 * The scenario is JSON, from the env var FAKE_APP_SERVER_SCENARIO or the first argument that
 * starts with `{`:
 *
 *   {
 *     "start": [action…],            // run once at start, before any input is read
 *     "on": { "method": [action…] }, // run when a request/notification of that method arrives,
 *                                    //   replacing the built-in answer of that method
 *     "stdinEnd": "exit" | "ignore"  // on end of input: exit 0 (default, like the real binary)
 *   }
 *
 * Actions (run in order, awaited):
 *   { "respond": value }              answer the triggering request with `result: value`
 *   { "error": {code, message, data} } answer it with a JSON-RPC error
 *   { "send": message }               write one message (a notification, server request, any JSON)
 *   { "raw": "text" }                 write text to stdout verbatim (no newline added)
 *   { "stderr": "text" }              write text to stderr
 *   { "flood": { "count": n, "message": m } }  write m n times (`${i}` is the index)
 *   { "builtin": true }               the built-in answer of the triggering method
 *   { "sleep": ms }
 *   { "stopReading": true }           stop reading stdin (the client's writes back up)
 *   { "awaitAnswer": id }             wait until the client answered server request `id`
 *   { "exit": code }                  exit now
 *   { "kill": "SIGKILL" }             kill itself with a signal
 *
 * Strings are templates: `${id}` (the request id; a string that is exactly "${id}" becomes the
 * id itself, number or string), `${params.a.b}`, `${env.NAME}`, `${argv}`, `${i}`, `${turn}` (the id of
 * the turn the last built-in turn/start answered), `${answer}` (JSON of the last client answer).
 *
 * Built-in answers: initialize (with `fakePid`), model/list (empty), thread/start, turn/start
 * (answer, then turn/started, a delta, item/completed and turn/completed), turn/interrupt,
 * echo (its params), fake/pid, fake/sleep.
 * Other requests get -32601.
 */
'use strict';
const readline = require('node:readline');

const raw = process.env.FAKE_APP_SERVER_SCENARIO ?? process.argv.slice(2).find((a) => a.startsWith('{')) ?? '{}';
const scenario = JSON.parse(raw);
const THREAD = 'thr-1';
let turnCounter = 0;
let lastTurn = '';
let lastAnswer;
let reading = true;
const answers = new Map();
const answerWaiters = new Map();

function out(message) {
  process.stdout.write(JSON.stringify(message) + '\n');
}

function lookup(path, ctx) {
  let v = ctx;
  for (const part of path.split('.')) v = v == null ? undefined : v[part];
  return v;
}

function fill(value, ctx) {
  if (typeof value === 'string') {
    const whole = /^\$\{([^}]+)\}$/.exec(value);
    if (whole) {
      const v = lookup(whole[1], ctx);
      return v === undefined ? value : v;
    }
    return value.replace(/\$\{([^}]+)\}/g, (m, path) => {
      const v = lookup(path, ctx);
      return v === undefined ? m : typeof v === 'string' ? v : JSON.stringify(v);
    });
  }
  if (Array.isArray(value)) return value.map((v) => fill(v, ctx));
  if (value && typeof value === 'object') {
    const o = {};
    for (const [k, v] of Object.entries(value)) o[k] = fill(v, ctx);
    return o;
  }
  return value;
}

function context(message, extra = {}) {
  return { id: message?.id, params: message?.params ?? {}, env: process.env, argv: process.argv.slice(2).join(' '), turn: lastTurn, answer: JSON.stringify(lastAnswer), ...extra };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function threadInfo(id) {
  return {
    id, environments: null, extra: null, sessionId: `session-${id}`, forkedFromId: null, attachedToThreadId: null, parentThreadId: null,
    preview: '', ephemeral: false, section: null, sectionEnteredAt: null, projectId: null, historyMode: 'legacy', modelProvider: 'mock',
    model: 'mock-model', reasoningEffort: null, createdAt: 1700000000, updatedAt: 1700000000, recencyAt: null, status: { type: 'idle' },
    path: null, cwd: '/tmp', cliVersion: '0.169.0', originator: 'codex_rx', source: 'appServer', canAcceptDirectInput: true,
    threadSource: null, agentNickname: null, agentRole: null, gitInfo: null, name: null, daybreakEnabled: null, turns: [],
  };
}

function turn(id, status) {
  const done = status !== 'inProgress';
  return { id, rootTurnId: id, items: [], itemsView: 'summary', status, error: null, startedAt: 1700000100, completedAt: done ? 1700000101 : null, durationMs: done ? 1000 : null };
}

async function builtin(m) {
  const p = m.params ?? {};
  switch (m.method) {
    case 'initialize':
      return out({ id: m.id, result: { userAgent: 'codex_cli_rs/0.169.0 (fake app-server)', codexHome: '/tmp/fake-codex-home', platformFamily: 'unix', platformOs: 'linux', fakePid: process.pid } });
    case 'model/list':
      return out({ id: m.id, result: { data: [], nextCursor: null } });
    case 'thread/start':
      return out({
        id: m.id,
        result: {
          thread: threadInfo(THREAD), model: 'mock-model', modelProvider: 'mock', serviceTier: null, disabledPluginIds: [], cwd: '/tmp',
          runtimeWorkspaceRoots: [], instructionSources: [], approvalPolicy: 'never', approvalsReviewer: 'user',
          sandbox: { type: 'readOnly', networkAccess: false }, activePermissionProfile: null, reasoningEffort: null, multiAgentMode: 'explicitRequestOnly',
        },
      });
    case 'turn/start': {
      const threadId = p.threadId ?? THREAD;
      const turnId = (lastTurn = `turn-${++turnCounter}`);
      out({ id: m.id, result: { turn: turn(turnId, 'inProgress') } });
      out({ method: 'turn/started', params: { threadId, turn: turn(turnId, 'inProgress') } });
      out({ method: 'item/agentMessage/delta', params: { threadId, turnId, itemId: 'msg-1', delta: 'pong' } });
      out({
        method: 'item/completed',
        params: { threadId, turnId, completedAtMs: 1700000101000, item: { type: 'agentMessage', id: 'msg-1', text: 'pong', phase: null, moderation: null, memoryCitation: null, delivery: null, questions: null } },
      });
      return out({ method: 'turn/completed', params: { threadId, turn: turn(turnId, 'completed') } });
    }
    case 'turn/interrupt':
      out({ id: m.id, result: {} });
      return out({ method: 'turn/completed', params: { threadId: p.threadId, turn: turn(p.turnId, 'interrupted') } });
    case 'echo':
      return out({ id: m.id, result: p });
    case 'fake/pid':
      return out({ id: m.id, result: process.pid });
    case 'fake/sleep':
      await sleep(p.ms ?? 1000);
      return out({ id: m.id, result: {} });
    default:
      if (m.id !== undefined) out({ id: m.id, error: { code: -32601, message: `fake app-server: unknown method ${m.method}` } });
  }
}

async function run(actions, message) {
  for (const action of actions) {
    const a = fill(action, context(message));
    if ('respond' in a) out({ id: message.id, result: a.respond });
    else if ('error' in a) out({ id: message.id, error: a.error });
    else if ('send' in a) out(a.send);
    else if ('raw' in a) process.stdout.write(a.raw);
    else if ('stderr' in a) process.stderr.write(a.stderr);
    else if ('flood' in a) {
      const text = JSON.stringify(action.flood.message);
      for (let i = 0; i < a.flood.count; i++) {
        const line = JSON.stringify(fill(JSON.parse(text), context(message, { i })));
        if (!process.stdout.write(line + '\n')) await new Promise((r) => process.stdout.once('drain', r));
      }
    } else if ('builtin' in a) await builtin(message);
    else if ('sleep' in a) await sleep(a.sleep);
    else if ('stopReading' in a) {
      reading = false;
      rl.pause();
      process.stdin.pause();
      setInterval(() => undefined, 1 << 30); // a paused stdin no longer keeps the process alive
    } else if ('awaitAnswer' in a) {
      const key = JSON.stringify(a.awaitAnswer);
      if (!answers.has(key)) await new Promise((r) => answerWaiters.set(key, r));
    } else if ('exit' in a) process.exit(a.exit);
    else if ('kill' in a) {
      process.kill(process.pid, a.kill);
      await sleep(10_000);
    } else throw new Error(`fake app-server: unknown action ${JSON.stringify(action)}`);
  }
}

// Messages are handled one at a time, in order, like the real server's reader.
let queue = Promise.resolve();
function handle(line) {
  let m;
  try {
    m = JSON.parse(line);
  } catch {
    process.stderr.write(`fake app-server: client wrote a bad line: ${line.slice(0, 100)}\n`);
    return;
  }
  if (m.method === undefined && m.id !== undefined) {
    // An answer to one of our server requests.
    lastAnswer = m;
    const key = JSON.stringify(m.id);
    answers.set(key, m);
    answerWaiters.get(key)?.();
    answerWaiters.delete(key);
    return;
  }
  const actions = scenario.on?.[m.method];
  queue = queue.then(() => (actions ? run(actions, m) : builtin(m)));
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
rl.on('line', (line) => {
  if (reading) handle(line);
});
rl.on('close', () => {
  if ((scenario.stdinEnd ?? 'exit') === 'exit') queue.then(() => process.exit(0));
});
if (scenario.start) {
  rl.pause();
  run(scenario.start, undefined).then(() => {
    if (reading) rl.resume();
  });
}
process.on('unhandledRejection', (e) => {
  process.stderr.write(`fake app-server: ${e && e.stack}\n`);
  process.exit(70);
});
