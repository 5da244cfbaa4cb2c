/**
 * Row 8: conversation latency over WebSocket. The pinned `codex app-server` against the scripted
 * model, three contenders each on a fresh CODEX_HOME (same config) per round:
 *   ws     `startAppServer({ env, cwd })` (--listen ws://127.0.0.1:0, capability token) and
 *          `new Codex({ url, token })`;
 *   stdio  `new Codex({ env, cwd })` (spawns `app-server --listen stdio://`);
 *   bare   bench/bare-client.ts over stdio (the floor of rows 1–2).
 * After one untimed first turn each, CONVERSATION_TURNS sequential turns on the same thread,
 * interleaved turn by turn in a rotating order so that load changes hit all three alike.
 */
import { lastValueFrom } from 'rxjs';
import { Codex, startAppServer, type RunningAppServer, type Thread } from '../lib/node/index.js';
import { resolveCodexBinary } from '../lib/transport/stdio-binary.js';
import { createCodexHome, message, ScriptedModelServer } from '../lib/testing/node/index.js';
import { BareClient } from './bare-client.js';
import { agentText, ANSWER, checkAnswer, childEnv, CONVERSATION_TURNS, PROMPT } from './e2e.js';
import { fmtMs, fmtRatio, median, now, spread, type Row } from './stats.js';

type Contender = 'ws' | 'stdio' | 'bare';
const ROTATION: Contender[][] = [
  ['ws', 'stdio', 'bare'],
  ['stdio', 'bare', 'ws'],
  ['bare', 'ws', 'stdio'],
];

interface Player {
  start(): Promise<void>;
  turn(): Promise<number>;
  close(): Promise<void>;
}

type Home = { env: Record<string, string>; workspace: string };

function rxPlayer(connect: () => Promise<Codex>, stop: () => Promise<void> = async () => undefined): Player {
  let codex: Codex | undefined;
  let thread: Thread | undefined;
  return {
    async start() {
      codex = await connect();
      thread = await lastValueFrom(codex.threadStart());
      checkAnswer((await lastValueFrom(thread.run(PROMPT))).finalResponse);
    },
    async turn() {
      const t0 = now();
      checkAnswer((await lastValueFrom(thread!.run(PROMPT))).finalResponse);
      return now() - t0;
    },
    async close() {
      await codex?.close();
      await stop();
    },
  };
}

function wsPlayer(home: Home): Player {
  let server: RunningAppServer | undefined;
  return rxPlayer(
    async () => {
      server = await startAppServer({ env: home.env, cwd: home.workspace });
      return new Codex({ url: server.url, token: server.token });
    },
    async () => server?.close(),
  );
}

function barePlayer(home: Home): Player {
  const bin = resolveCodexBinary();
  let client: BareClient | undefined;
  let threadId = '';
  return {
    async start() {
      client = new BareClient(bin.path, { env: childEnv({ bin, home }), cwd: home.workspace });
      await client.initialize();
      threadId = await client.threadStart();
      checkAnswer(agentText(await client.turn(threadId, PROMPT)));
    },
    async turn() {
      const t0 = now();
      const turn = await client!.turn(threadId, PROMPT);
      checkAnswer(agentText(turn));
      return now() - t0;
    },
    close: async () => client?.close(),
  };
}

export async function benchWsConversation(rounds: number, log: (line: string) => void): Promise<Row> {
  const model = await ScriptedModelServer.start({ defaultStep: message(ANSWER, { chunks: 3 }) });
  const sums: Record<Contender, number[]> = { ws: [], stdio: [], bare: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      const homes = { ws: await createCodexHome({ modelServerUrl: model.url }), stdio: await createCodexHome({ modelServerUrl: model.url }), bare: await createCodexHome({ modelServerUrl: model.url }) };
      const players: Record<Contender, Player> = {
        ws: wsPlayer(homes.ws),
        stdio: rxPlayer(async () => new Codex({ env: homes.stdio.env, cwd: homes.stdio.workspace })),
        bare: barePlayer(homes.bare),
      };
      const ms: Record<Contender, number> = { ws: 0, stdio: 0, bare: 0 };
      try {
        for (const c of ROTATION[r % ROTATION.length]) await players[c].start();
        for (let t = 0; t < CONVERSATION_TURNS; t++) for (const c of ROTATION[(r + t) % ROTATION.length]) ms[c] += await players[c].turn();
      } finally {
        for (const p of Object.values(players)) await p.close();
        for (const h of Object.values(homes)) await h.dispose();
      }
      for (const c of Object.keys(ms) as Contender[]) sums[c].push(ms[c]);
      log(`  ws conversation round ${r + 1}/${rounds}: ${CONVERSATION_TURNS} turns ws ${fmtMs(ms.ws)}, stdio ${fmtMs(ms.stdio)}, bare ${fmtMs(ms.bare)}`);
    }
  } finally {
    await model.close();
  }
  const wsStdio = spread(sums.ws.map((v, i) => v / sums.stdio[i]));
  const wsBare = spread(sums.ws.map((v, i) => v / sums.bare[i]));
  const stdioBare = spread(sums.stdio.map((v, i) => v / sums.bare[i]));
  return {
    id: 8,
    name: `Conversation latency over ws (${CONVERSATION_TURNS} sequential turns, real binary, startAppServer + Codex({ url, token }))`,
    codexRx: `ws ${fmtMs(median(sums.ws))}`,
    reference: `codex-rx stdio ${fmtMs(median(sums.stdio))}; bare stdio ${fmtMs(median(sums.bare))}`,
    ratio: `ws/stdio ${fmtRatio(wsStdio, 3)}; ws/bare ${fmtRatio(wsBare, 3)}; stdio/bare ${fmtRatio(stdioBare, 3)}`,
    target: 'ws/stdio ≤ 1.05',
    met: wsStdio.median <= 1.05,
    data: { rounds, turns: CONVERSATION_TURNS, conversationMs: sums, ratios: { wsOverStdio: wsStdio, wsOverBare: wsBare, stdioOverBare: stdioBare } },
  };
}
