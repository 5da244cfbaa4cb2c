/**
 * review — ask Codex for a code review with `thread.review(target)`: a turn stream, so the same
 * operators apply (`turnProgress()` for a live view, `toTurnResult()` for the outcome).
 *
 *   npx tsx samples/review.ts          the real codex app-server with a scripted model
 *   npx tsx samples/review.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * `review/start` runs the review inline on the thread; its items include `enteredReviewMode` and
 * `exitedReviewMode` (which carries the review text). Unsubscribing before the end interrupts it.
 */
import { lastValueFrom, share, tap } from 'rxjs';
import { toTurnResult, turnProgress } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const SCRIPT = [message('One finding: README.md says "recieve"; it should be "receive". Otherwise fine.')];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT, tempWorkspace: true });
  const { codex, dispose } = session;
  try {
    console.log(`review · ${session.description}`);
    const thread = await lastValueFrom(codex.threadStart());
    const target = { type: 'custom', instructions: 'Review README.md for spelling mistakes. Be brief.' } as const;
    console.log(`› review/start ${JSON.stringify(target)}`);

    const review$ = thread.review(target).pipe(share()); // one review, two views of it
    let last = '';
    const progress = review$.pipe(
      turnProgress(),
      tap((p) => {
        const line = `  ${p.status}: ${p.items.map((i) => `${i.type}${i.status === 'completed' ? '' : '…'}`).join(', ') || '(starting)'}`;
        if (line !== last) console.log((last = line));
      }),
    );
    const [result] = await Promise.all([lastValueFrom(review$.pipe(toTurnResult())), lastValueFrom(progress)]);

    const exited = result.items.find((i) => i.type === 'exitedReviewMode');
    console.log(`status ${result.status} · ${result.items.length} items`);
    console.log(`review: ${exited && exited.type === 'exitedReviewMode' ? exited.review : result.finalResponse}`);
  } finally {
    await dispose();
  }
});
