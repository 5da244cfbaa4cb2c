/**
 * turn-controls — acting on a running turn: steer it, interrupt it, or just stop listening.
 *
 *   npx tsx samples/turn-controls.ts          the real codex app-server with a scripted model
 *   npx tsx samples/turn-controls.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * 1. `thread.steer(input, { turnId })` adds input to that running turn (`turn/steer`): the agent
 *    takes it into account without starting a new turn. `turnIdOf(event)` names the turn of any
 *    event of its stream; without `turnId`, steer() acts on the thread's active turn.
 * 2. `thread.interrupt()` stops the running turn (`turn/interrupt`); its stream still ends with
 *    `turn/completed`, status "interrupted".
 * 3. Unsubscribing from `thread.turn()` before it completes interrupts the turn as well.
 */
import { filter, firstValueFrom, lastValueFrom, take, tap } from 'rxjs';
import { ofMethod, toTurnResult, turnIdOf } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { conversationOf, openSession, runSample } from './support/session.js';

const SCRIPT = [
  message('The sea, the sea, the endless sea, it rolls and rolls and rolls…', { chunks: 12, delayMsBetweenEvents: 100 }), // 1, before the steer
  message('Mountains stand, the snow lies still, the wind goes by, and so it will.'), // 1, after the steer
  message('1, 2, 3, 4, 5, 6', { chunks: 6, hang: true }), // 2: never finishes by itself
  message('1, 2, 3, 4, 5, 6', { chunks: 6, hang: true }), // 3: never finishes by itself
];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT });
  const { codex, dispose } = session;
  try {
    console.log(`turn-controls · ${session.description}`);
    const thread = codex.thread();

    // 1. Steer: once the answer starts, add an instruction.
    console.log('── 1. steer ──');
    console.log('› Write a 20-line poem about the sea.');
    let steered = false;
    const poem = await lastValueFrom(
      thread.turn('Write a 20-line poem about the sea.').pipe(
        tap((event) => {
          if (event.method !== 'item/agentMessage/delta' || steered) return;
          steered = true;
          console.log('  (the answer has started: steering) › Actually, make it 2 lines about mountains.');
          thread.steer('Actually, make it 2 lines about mountains.', { turnId: turnIdOf(event) }).subscribe({
            next: (turnId) => console.log(`  steer accepted for turn ${turnId}`),
            error: (e: Error) => console.log(`  steer refused: ${e.message}`), // e.g. the turn had already ended
          });
        }),
        toTurnResult(),
      ),
    );
    console.log(`  the turn ${poem.status} with: ${poem.finalResponse}`);
    if (session.model) {
      const shown = conversationOf(session.model.responseRequests[1]?.body).map((m) => `${m.role}: ${m.text}`);
      console.log(`  the model's second request, within the same turn, showed: ${shown.join(' | ')}`);
    }

    // 2. interrupt(): stop the running turn; its stream completes normally.
    console.log('── 2. thread.interrupt() ──');
    console.log('› Count from 1 to 300, one number per line.');
    let interrupted = false;
    const counted = await lastValueFrom(
      thread.turn('Count from 1 to 300, one number per line.').pipe(
        tap((event) => {
          if (event.method !== 'item/agentMessage/delta' || interrupted) return;
          interrupted = true;
          console.log(`  first words: ${JSON.stringify(event.params.delta)} → thread.interrupt()`);
          thread.interrupt().subscribe({ complete: () => console.log('  interrupt accepted') });
        }),
        toTurnResult(),
      ),
    );
    console.log(`  the turn ${counted.status} after ${counted.durationMs} ms (the stream completed, with a TurnResult)`);

    // 3. Unsubscribe: stop listening, and codex-rx interrupts the turn for you.
    console.log('── 3. unsubscribe ──');
    console.log('› Count from 1 to 300 again.');
    const ended = firstValueFrom(codex.notifications$.pipe(ofMethod('turn/completed'), filter((n) => n.params.threadId === thread.id)));
    const subscription = thread
      .turn('Count from 1 to 300 again.')
      .pipe(ofMethod('item/agentMessage/delta'), take(1)) // take(1) unsubscribes after the first delta
      .subscribe((delta) => console.log(`  first words: ${JSON.stringify(delta.params.delta)} → unsubscribed`));
    const completion = await ended;
    console.log(`  codex-rx sent turn/interrupt: the turn ended "${completion.params.turn.status}" (subscription closed: ${subscription.closed})`);
  } finally {
    await dispose();
  }
});
