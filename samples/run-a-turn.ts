/**
 * run-a-turn — `thread.run()` and everything its one `TurnResult` tells you.
 *
 *   npx tsx samples/run-a-turn.ts          the real codex app-server with a scripted model
 *   npx tsx samples/run-a-turn.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * `run()` emits exactly one value when the turn completes: status, timing, the final answer,
 * every item of the turn (the user message, commentary, commands, the answer…) and token usage.
 * A failed turn errors with TurnFailedError instead (see errors-and-retry.ts).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { lastValueFrom } from 'rxjs';
import { Sandbox, type protocol } from '../lib/index.js';
import { message, type ScriptedStep } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const PROMPT = 'Run `ls` in the current directory, then tell me in one sentence what is there.';

/** The scripted model: a comment plus a command, then (after seeing its output) the answer. */
const SCRIPT: ScriptedStep[] = [
  {
    output: [
      { type: 'message', phase: 'commentary', text: 'Let me list the files first.' },
      { type: 'function_call', name: 'exec_command', arguments: { cmd: 'ls', login: false } },
    ],
  },
  message('The directory holds a README and a notes file.', { phase: 'final_answer', usage: { inputTokens: 1200, cachedInputTokens: 1024, outputTokens: 14 } }),
];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT });
  const { codex, dispose } = session;
  try {
    console.log(`run-a-turn · ${session.description}`);
    if (!live) {
      await fs.writeFile(path.join(session.cwd, 'README.md'), '# demo\n');
      await fs.writeFile(path.join(session.cwd, 'notes.txt'), 'remember the milk\n');
    }
    const thread = await lastValueFrom(codex.threadStart({ sandbox: Sandbox.readOnly }));
    console.log(`thread ${thread.id} · model ${thread.info.model}`);
    console.log(`› ${PROMPT}`);

    const result = await lastValueFrom(thread.run(PROMPT));

    console.log('TurnResult:');
    console.log(`  id             ${result.id} (thread ${result.threadId === thread.id ? 'matches' : result.threadId})`);
    console.log(`  status         ${result.status}`);
    console.log(`  error          ${result.error === null ? 'null' : JSON.stringify(result.error)}`);
    console.log(`  startedAt      ${time(result.startedAt)} · completedAt ${time(result.completedAt)} · durationMs ${result.durationMs}`);
    console.log(`  finalResponse  ${JSON.stringify(result.finalResponse)}`);
    console.log(`  items          ${result.items.length}, in order:`);
    for (const item of result.items) console.log(`    - ${describeItem(item)}`);
    const usage = result.usage;
    if (usage) {
      console.log(`  usage.last     ${usage.last.totalTokens} tokens (${usage.last.inputTokens} in, ${usage.last.cachedInputTokens} cached, ${usage.last.outputTokens} out)`);
      console.log(`  usage.total    ${usage.total.totalTokens} tokens for the whole thread so far`);
    } else console.log('  usage          null (the server reported none)');
  } finally {
    await dispose();
  }
});

/** Unix seconds → ISO time. */
function time(seconds: number | null): string {
  return seconds === null ? 'null' : new Date(seconds * 1000).toISOString();
}

/** One line per item: its type and what matters about it. */
function describeItem(item: protocol.v2.ThreadItem): string {
  switch (item.type) {
    case 'userMessage':
      return `userMessage: ${item.content.map((c) => (c.type === 'text' ? JSON.stringify(c.text) : `[${c.type}]`)).join(' ')}`;
    case 'agentMessage':
      return `agentMessage (phase ${item.phase ?? 'none'}): ${JSON.stringify(item.text)}`;
    case 'commandExecution':
      return `commandExecution: ${item.command} → ${item.status}, exit ${item.exitCode}, output ${JSON.stringify(item.aggregatedOutput)}`;
    case 'reasoning':
      return `reasoning: ${item.summary.join(' ')}`;
    default:
      return item.type;
  }
}
