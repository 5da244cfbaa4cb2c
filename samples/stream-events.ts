/**
 * stream-events — `thread.turn()`: every event of a turn, live, and the operators that shape it.
 *
 *   npx tsx samples/stream-events.ts          the real codex app-server with a scripted model
 *   npx tsx samples/stream-events.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * 1. `thread.turn(input)` emits every notification of the turn (items starting and completing,
 *    text deltas, token usage…) and completes right after `turn/completed`.
 * 2. `agentText()` turns the deltas into the running text, for a UI that redraws it.
 * 3. `codex.notifications$` is the hot stream of *every* notification, thread-level ones included.
 */
import { lastValueFrom, map, tap, toArray } from 'rxjs';
import { agentText, ofMethod, type TurnNotification } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const SCRIPT = [
  message('Streams arrive piece by piece.', { chunks: 5, delayMsBetweenEvents: 60 }),
  message('One, two, three, four.', { chunks: 4, delayMsBetweenEvents: 60 }),
];

runSample(async ({ live }) => {
  const { codex, description, dispose } = await openSession({ live, steps: SCRIPT });
  try {
    console.log(`stream-events · ${description}`);
    // 3. The hot stream: subscribe before anything happens to see everything.
    const seen = new Map<string, number>();
    const all = codex.notifications$.subscribe((n) => seen.set(n.method, (seen.get(n.method) ?? 0) + 1));

    const thread = codex.thread();

    // 1. Every event of one turn, with its arrival time.
    console.log('── 1. thread.turn(): every event ──');
    const began = Date.now();
    const deltas = await lastValueFrom(
      thread.turn('Describe streaming in one short sentence.').pipe(
        tap((event) => console.log(`  +${String(Date.now() - began).padStart(4)} ms  ${describe(event)}`)),
        ofMethod('item/agentMessage/delta'), // a typed filter: only the text deltas go on
        map((delta) => delta.params.delta),
        toArray(),
      ),
    );
    console.log(`  the answer came in ${deltas.length} deltas: ${deltas.map((d) => JSON.stringify(d)).join(' + ')}`);

    // 2. agentText(): the whole text so far, on every delta.
    console.log('── 2. agentText(): the running text ──');
    await lastValueFrom(thread.turn('Count to four.').pipe(agentText(), tap((text) => console.log(`  ${JSON.stringify(text)}`))));

    all.unsubscribe();
    console.log('── 3. codex.notifications$: everything the server sent ──');
    for (const [method, count] of seen) console.log(`  ${method} ×${count}`);
  } finally {
    await dispose();
  }
});

/** `item/started agentMessage`, `item/agentMessage/delta "text"`, … */
function describe(event: TurnNotification): string {
  switch (event.method) {
    case 'item/started':
    case 'item/completed':
      return `${event.method} ${event.params.item.type}`;
    case 'item/agentMessage/delta':
      return `${event.method} ${JSON.stringify(event.params.delta)}`;
    case 'turn/started':
    case 'turn/completed':
      return `${event.method} (status ${event.params.turn.status})`;
    case 'thread/tokenUsage/updated':
      return `${event.method} (total ${event.params.tokenUsage.total.totalTokens})`;
    default:
      return event.method;
  }
}
