/**
 * promise-interop — codex-rx from async/await code: `firstValueFrom` / `lastValueFrom`, and the
 * one pitfall to know.
 *
 *   npx tsx samples/promise-interop.ts          the real codex app-server with a scripted model
 *   npx tsx samples/promise-interop.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * - One-value Observables (`threadStart()`, `run()`, `models()`…): either works; `lastValueFrom`
 *   is the habit to keep, since it waits for completion.
 * - A turn stream (`thread.turn()`): collect it with `lastValueFrom(turn.pipe(toArray()))`.
 * - The pitfall: `firstValueFrom(thread.turn(…))` resolves with the *first event* and then
 *   unsubscribes — and unsubscribing from a turn interrupts it. The sample shows it happen.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { defer, filter, firstValueFrom, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { ofMethod } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const SCRIPT = [
  message('Tea: a leaf, hot water and patience.'),
  message('Coffee: a bean, hot water and less patience.'),
  message('This answer streams slowly, word by word, and nobody will read its end.', { chunks: 12, delayMsBetweenEvents: 150 }),
];

runSample(async ({ live }) => {
  const { codex, cwd, description, dispose } = await openSession({ live, steps: SCRIPT, tempWorkspace: true });
  try {
    console.log(`promise-interop · ${description}`);

    // One value: firstValueFrom and lastValueFrom both resolve with it.
    const thread = await firstValueFrom(codex.threadStart());
    console.log(`await firstValueFrom(codex.threadStart())  → Thread ${thread.id}`);

    // A Promise into a pipeline: defer() runs it on subscription (cold, like everything here).
    await fs.writeFile(path.join(cwd, 'question.txt'), 'Define tea in one short line.');
    const result = await lastValueFrom(
      defer(() => fs.readFile(path.join(cwd, 'question.txt'), 'utf8')).pipe(mergeMap((question) => thread.run(question))),
    );
    console.log(`await lastValueFrom(defer(readFile) → run)  → ${result.status}: ${result.finalResponse}`);

    // Every event of a turn, as an array.
    const events = await lastValueFrom(thread.turn('Define coffee in one short line.').pipe(toArray()));
    console.log(`await lastValueFrom(turn.pipe(toArray()))   → ${events.length} events, the last ${events.at(-1)?.method}`);

    // The pitfall. Watch the turn's completion on the hot stream (the turn's own stream is gone by then).
    const ended = firstValueFrom(
      codex.notifications$.pipe(
        ofMethod('turn/completed'),
        filter((n) => n.params.threadId === thread.id),
      ),
    );
    const first = await firstValueFrom(thread.turn('Tell me a long story.'));
    console.log(`await firstValueFrom(thread.turn(…))        → ${first.method}, and then it unsubscribed…`);
    const completion = await ended;
    console.log(`…so codex-rx sent turn/interrupt: the turn ended "${completion.params.turn.status}"`);
    console.log('use lastValueFrom(thread.run(…)) for the result, or lastValueFrom(thread.turn(…).pipe(toArray())) for the events');
  } finally {
    await dispose();
  }
});
