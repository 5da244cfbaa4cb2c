/**
 * Rows 1 and 2: the real, pinned `codex app-server` binary against a scripted model, driven by
 * three clients — codex-rx, @openai/codex-sdk (spawns `codex exec` per turn) and the bare
 * JSON-RPC client (bench/bare-client.ts, the floor). Same binary, same CODEX_HOME config, same
 * scripted model; only the client differs.
 *
 * Each round, every contender gets a fresh CODEX_HOME (same config) and, in a varying order:
 *   row 2  time to first answer: constructing the client → the first turn's turn/completed
 *          (process start, handshake, thread start and one turn), one contender at a time;
 *   row 1  conversation latency: then 10 more sequential turns on the same thread, summed per
 *          contender; codex-rx and bare take turns (rx, bare, bare, rx, …), then codex-sdk.
 * Each row reports per-round ratios: median and [min–max] over rounds.
 */
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import type * as Sdk from '@openai/codex-sdk';
import { Codex, type Thread } from '../lib/node/index.js';
import { resolveCodexBinary } from '../lib/transport/stdio-binary.js';
import { createCodexHome, message, ScriptedModelServer } from '../lib/testing/node/index.js';
import { BareClient } from './bare-client.js';
import { fmtMs, fmtRatio, median, now, spread, type Row } from './stats.js';

export const CONVERSATION_TURNS = 10;
/** What every conversation contender (rows 1, 2 and 8) asks, and what the scripted model answers. */
export const PROMPT = 'hi';
export const ANSWER = 'Hello there.';

type Contender = 'codex-rx' | 'bare' | 'codex-sdk';
/** Row 2's order per round: every order in turn, so that no contender always starts first or after another. */
const PERMUTATIONS: Contender[][] = [
  ['codex-rx', 'bare', 'codex-sdk'],
  ['bare', 'codex-sdk', 'codex-rx'],
  ['codex-sdk', 'codex-rx', 'bare'],
  ['bare', 'codex-rx', 'codex-sdk'],
  ['codex-rx', 'codex-sdk', 'bare'],
  ['codex-sdk', 'bare', 'codex-rx'],
];

/** One contender's client on its own CODEX_HOME: the first answer, then one turn at a time. */
interface Contestant {
  /** Constructs the client and runs the first turn; resolves with ms from construction to its turn/completed. */
  firstAnswer(): Promise<number>;
  /** One more turn on the same thread; resolves with its ms. */
  turn(): Promise<number>;
  close(): Promise<void>;
}

interface Session {
  /** Constructing the client → the first turn/completed, ms. */
  firstAnswerMs: number;
  /** CONVERSATION_TURNS sequential turns after the first, ms. */
  conversationMs: number;
  /** Each of those turns, ms. */
  turnsMs: number[];
}

export interface Env {
  bin: { path: string; extraPath?: string };
  home: { env: Record<string, string>; workspace: string };
}

/** The environment of a bare client's app-server: ours, the CODEX_HOME's, and the binary's extra PATH dir. */
export function childEnv(e: Env): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  Object.assign(env, e.home.env);
  // What StdioTransport does too: the package's extra PATH dir (ripgrep) first.
  if (e.bin.extraPath) env.PATH = [e.bin.extraPath, env.PATH].filter(Boolean).join(path.delimiter);
  return env;
}

function codexRx(e: Env): Contestant {
  let codex: Codex | undefined;
  let thread: Thread | undefined;
  return {
    async firstAnswer() {
      const t0 = now();
      // No codexBin: codex-rx resolves the same binary (resolveCodexBinary()) and its extra PATH.
      codex = new Codex({ env: e.home.env, cwd: e.home.workspace });
      thread = await lastValueFrom(codex.threadStart());
      checkAnswer((await lastValueFrom(thread.run(PROMPT))).finalResponse);
      return now() - t0;
    },
    async turn() {
      const t0 = now();
      checkAnswer((await lastValueFrom(thread!.run(PROMPT))).finalResponse);
      return now() - t0;
    },
    close: async () => codex?.close(),
  };
}

function bare(e: Env): Contestant {
  let client: BareClient | undefined;
  let threadId = '';
  return {
    async firstAnswer() {
      const t0 = now();
      client = new BareClient(e.bin.path, { env: childEnv(e), cwd: e.home.workspace });
      await client.initialize();
      threadId = await client.threadStart();
      checkAnswer(agentText(await client.turn(threadId, PROMPT)));
      return now() - t0;
    },
    async turn() {
      const t0 = now();
      checkAnswer(agentText(await client!.turn(threadId, PROMPT)));
      return now() - t0;
    },
    close: async () => client?.close(),
  };
}

function codexSdk(e: Env, sdk: typeof Sdk): Contestant {
  let thread: Sdk.Thread | undefined;
  return {
    async firstAnswer() {
      const t0 = now();
      const codex = new sdk.Codex({ codexPathOverride: e.bin.path, env: childEnv(e) });
      thread = codex.startThread({ workingDirectory: e.home.workspace, skipGitRepoCheck: true });
      // First answer: the `turn.completed` event of the streamed first turn (the SDK's earliest
      // "answered"); the process is then drained so that the next turn can resume the thread.
      const { events } = await thread.runStreamed(PROMPT);
      let t1 = NaN;
      let text: string | null = null;
      for await (const ev of events) {
        if (ev.type === 'item.completed' && ev.item.type === 'agent_message') text = ev.item.text;
        if (ev.type === 'turn.completed') t1 = now();
        if (ev.type === 'turn.failed') throw new Error(`codex-sdk turn failed: ${ev.error.message}`);
      }
      checkAnswer(text);
      return t1 - t0;
    },
    async turn() {
      // The SDK's one-value API, as a user would call it: one `codex exec resume` per turn.
      const t0 = now();
      checkAnswer((await thread!.run(PROMPT)).finalResponse);
      return now() - t0;
    },
    close: async () => undefined, // each turn's process has exited already
  };
}

/** The agent's answer in a bare client's completed turn. */
export function agentText(turn: { items?: Array<{ type: string; text?: string }> }): string | null {
  return turn.items?.find((i) => i.type === 'agentMessage')?.text ?? null;
}

/** Throws unless the contender got the scripted answer. */
export function checkAnswer(answer: string | null | undefined): void {
  if (answer !== ANSWER) throw new Error(`unexpected answer ${JSON.stringify(answer)}`);
}

export interface E2EResult {
  rows: [Row, Row];
}

export async function benchE2E(rounds: number, log: (line: string) => void): Promise<E2EResult> {
  const sdk = (await import('@openai/codex-sdk')) as typeof Sdk;
  const bin = resolveCodexBinary();
  const model = await ScriptedModelServer.start({ defaultStep: message(ANSWER, { chunks: 3 }) });
  const sessions: Record<Contender, Session[]> = { 'codex-rx': [], bare: [], 'codex-sdk': [] };
  try {
    for (let r = 0; r < rounds; r++) {
      const order = PERMUTATIONS[r % PERMUTATIONS.length];
      const homes = await Promise.all(order.map(() => createCodexHome({ modelServerUrl: model.url })));
      const players = order.map((c, i) => {
        const e: Env = { bin, home: homes[i] };
        return c === 'codex-rx' ? codexRx(e) : c === 'bare' ? bare(e) : codexSdk(e, sdk);
      });
      const at = (c: Contender) => order.indexOf(c);
      const first: number[] = [];
      const turns: number[][] = order.map(() => []);
      try {
        // Row 2: one contender at a time, in this round's order.
        for (const p of players) first.push(await p.firstAnswer());
        // Row 1: codex-rx and bare take turns (alternating who goes first), so that load changes
        // hit both alike; then codex-sdk's 10 turns (its per-turn process start and exit would
        // disturb whoever came next).
        for (let t = 0; t < CONVERSATION_TURNS; t++) {
          const pair: Contender[] = (t + r) % 2 === 0 ? ['codex-rx', 'bare'] : ['bare', 'codex-rx'];
          for (const c of pair) turns[at(c)].push(await players[at(c)].turn());
        }
        for (let t = 0; t < CONVERSATION_TURNS; t++) turns[at('codex-sdk')].push(await players[at('codex-sdk')].turn());
      } finally {
        for (const p of players) await p.close();
        for (const h of homes) await h.dispose();
      }
      const conversation = turns.map((ms) => ms.reduce((a, b) => a + b, 0));
      order.forEach((c, i) => sessions[c].push({ firstAnswerMs: first[i], conversationMs: conversation[i], turnsMs: turns[i].map((x) => +x.toFixed(1)) }));
      log(`  e2e round ${r + 1}/${rounds}: ${order.map((c, i) => `${c} first answer ${fmtMs(first[i])}, ${CONVERSATION_TURNS} turns ${fmtMs(conversation[i])}`).join('; ')}`);
    }
  } finally {
    await model.close();
  }

  type Key = 'firstAnswerMs' | 'conversationMs';
  const per = (c: Contender, k: Key) => sessions[c].map((s) => s[k]);
  const ratios = (num: Contender, den: Contender, k: Key) => sessions[num].map((s, i) => s[k] / sessions[den][i][k]);

  const convRxBare = spread(ratios('codex-rx', 'bare', 'conversationMs'));
  const convSdkRx = spread(ratios('codex-sdk', 'codex-rx', 'conversationMs'));
  const firstRxBare = spread(ratios('codex-rx', 'bare', 'firstAnswerMs'));
  const firstSdkRx = spread(ratios('codex-sdk', 'codex-rx', 'firstAnswerMs'));
  const med = (c: Contender, k: Key) => fmtMs(median(per(c, k)));

  const row1: Row = {
    id: 1,
    name: `Conversation latency (${CONVERSATION_TURNS} sequential turns, real binary)`,
    codexRx: med('codex-rx', 'conversationMs'),
    reference: `bare ${med('bare', 'conversationMs')}; codex-sdk ${med('codex-sdk', 'conversationMs')}`,
    ratio: `rx/bare ${fmtRatio(convRxBare, 3)}; sdk/rx ${fmtRatio(convSdkRx, 1, '×')}`,
    target: 'rx/bare ≤ 1.05; sdk/rx ≥ 4×',
    met: convRxBare.median <= 1.05 && convSdkRx.median >= 4,
    data: { rounds, sessions, ratios: { rxOverBare: convRxBare, sdkOverRx: convSdkRx } },
  };
  const row2: Row = {
    id: 2,
    name: 'Time to first answer (new client → first turn/completed)',
    codexRx: med('codex-rx', 'firstAnswerMs'),
    reference: `bare ${med('bare', 'firstAnswerMs')}; codex-sdk ${med('codex-sdk', 'firstAnswerMs')}`,
    ratio: `rx/bare ${fmtRatio(firstRxBare, 3)}; sdk/rx ${fmtRatio(firstSdkRx, 2, '×')}`,
    target: '— (reported)',
    met: null,
    data: { rounds, ratios: { rxOverBare: firstRxBare, sdkOverRx: firstSdkRx } },
  };
  return { rows: [row1, row2] };
}
