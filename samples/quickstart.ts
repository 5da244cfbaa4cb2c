/**
 * quickstart — the smallest useful program: start a thread, run one turn, print the answer.
 *
 *   npx tsx samples/quickstart.ts          the real codex app-server with a scripted model
 *                                          (no account, no network)
 *   npx tsx samples/quickstart.ts --live   the real model, with your Codex login or OPENAI_API_KEY
 *
 * `new Codex()` does no I/O; the first call starts `codex app-server`. `codex.thread()` returns a
 * thread at once: its first turn starts it. `run()` is a cold Observable: `lastValueFrom`
 * subscribes and waits for the one result.
 * `close()` ends the app-server process — always call it.
 */
import { lastValueFrom } from 'rxjs';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const PROMPT = 'Say hello to a new codex-rx user, in one sentence.';

/** What the scripted model answers (ignored with --live). */
const SCRIPT = [message('Hello, and welcome to codex-rx: every call is an Observable, and a turn is a stream of events.')];

runSample(async ({ live }) => {
  const { codex, description, dispose } = await openSession({ live, steps: SCRIPT });
  try {
    console.log(`quickstart · ${description}`);
    console.log(`› ${PROMPT}`);

    const result = await lastValueFrom(codex.thread().run(PROMPT));

    console.log(result.finalResponse);
    console.log(`status: ${result.status} · ${result.usage?.total.totalTokens ?? 0} tokens · ${result.durationMs ?? '?'} ms`);
  } finally {
    await dispose(); // ends the app-server: nothing is left running
  }
});
