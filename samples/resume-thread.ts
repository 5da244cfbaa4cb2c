/**
 * resume-thread — a conversation that outlives its process: start a thread, end the app-server,
 * then resume the thread by id from a new one and carry on where it left off.
 *
 *   npx tsx samples/resume-thread.ts          the real codex app-server with a scripted model
 *   npx tsx samples/resume-thread.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * Threads are stored in the Codex home (unless `ephemeral`). `codex.threadResume(id)` loads one;
 * `thread.read({ includeTurns: true })` shows its stored turns; new turns continue its history.
 */
import { lastValueFrom } from 'rxjs';
import { message } from '../lib/testing/index.js';
import { conversationOf, openSession, runSample } from './support/session.js';

const FIRST = 'Remember the word "pineapple" for later. Just reply OK.';
const SECOND = 'Which word did I ask you to remember?';

const SCRIPT = [message('OK.'), message('You asked me to remember "pineapple".')];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT });
  try {
    console.log(`resume-thread · ${session.description}`);

    // Process 1: start a thread, one turn, then end the app-server.
    const first = session.codex;
    const thread = await lastValueFrom(first.threadStart());
    console.log(`started thread ${thread.id}`);
    console.log(`› ${FIRST}`);
    console.log(`  ${(await lastValueFrom(thread.run(FIRST))).finalResponse}`);
    await first.close();
    console.log('closed the first client: its app-server process has ended');

    // Process 2: a new client (a new app-server) on the same Codex home resumes the thread by id.
    const second = await session.newClient();
    const resumed = await lastValueFrom(second.threadResume(thread.id));
    console.log(`resumed thread ${resumed.id} in a new app-server · preview: ${JSON.stringify(resumed.info.preview)}`);
    const stored = await lastValueFrom(resumed.read({ includeTurns: true }));
    console.log(`stored turns: ${stored.thread.turns.map((t) => `${t.id} (${t.status})`).join(', ')}`);

    console.log(`› ${SECOND}`);
    console.log(`  ${(await lastValueFrom(resumed.run(SECOND))).finalResponse}`);

    if (session.model) {
      // Scripted mode: the proof is in what Codex sent the model — the history came along.
      const shown = conversationOf(session.model.responseRequests.at(-1)?.body);
      console.log('the scripted model was shown this conversation for the second turn:');
      for (const m of shown) console.log(`  ${m.role.padEnd(9)} ${m.text}`);
    }
  } finally {
    await session.dispose();
  }
});
