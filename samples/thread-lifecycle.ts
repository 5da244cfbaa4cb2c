/**
 * thread-lifecycle — everything around a thread besides its turns: rename, fork, list, archive
 * (and unarchive), compact.
 *
 *   npx tsx samples/thread-lifecycle.ts          the real codex app-server with a scripted model
 *   npx tsx samples/thread-lifecycle.ts --live   the real model; the two threads it creates in
 *                                                your Codex home are archived at the end
 *
 * - `thread.setName(name)`: a title for lists.
 * - `codex.threadFork(id)`: a new thread that starts with a copy of another's history.
 * - `codex.threadList(opts)`: one page of stored threads (`threadListAll()` walks every page).
 * - `codex.threadArchive(id)` / `threadUnarchive(id)`: hide a thread from lists, and back.
 * - `thread.compact()`: asks Codex to summarise the history (a turn of its own, with a
 *   `contextCompaction` item); it answers at once, the compaction turn completes later.
 */
import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { ofMethod, type Codex, type protocol } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { conversationOf, openSession, runSample } from './support/session.js';

const SCRIPT = [
  message('Bring sandwiches, lemonade and a blanket.'), // turn 1
  message('If it rains: the same food, under the museum café awning.'), // the fork's turn
  message('Summary: a picnic plan (sandwiches, lemonade, blanket) and a rainy-day variant.'), // compaction
];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT });
  const { codex } = session;
  try {
    console.log(`thread-lifecycle · ${session.description}`);

    const thread = await lastValueFrom(codex.threadStart());
    console.log(`started   ${thread.id}`);
    const answer = await lastValueFrom(thread.run('Plan a picnic in one sentence.'));
    console.log(`  turn 1: ${answer.finalResponse}`);

    await lastValueFrom(thread.setName('Picnic plans'));
    console.log('renamed   → "Picnic plans"');

    const fork = await lastValueFrom(codex.threadFork(thread.id));
    await lastValueFrom(fork.setName('Picnic plans (rainy day)'));
    console.log(`forked    ${fork.id} (forkedFromId ${fork.info.forkedFromId === thread.id ? 'the first thread' : fork.info.forkedFromId}), renamed → "Picnic plans (rainy day)"`);
    const forkAnswer = await lastValueFrom(fork.run('And if it rains?'));
    console.log(`  fork turn: ${forkAnswer.finalResponse}`);
    if (session.model) {
      const shown = conversationOf(session.model.responseRequests.at(-1)?.body).map((m) => `${m.role}: ${m.text}`);
      console.log(`  the fork started with the first thread's history; the model was shown: ${shown.join(' | ')}`);
    }

    const ours = [thread.id, fork.id];
    await printList(codex, 'listed    ', ours);

    await lastValueFrom(codex.threadArchive(fork.id));
    console.log('archived  the fork');
    await printList(codex, 'listed    ', ours);
    await printList(codex, 'archived: ', ours, true);
    await lastValueFrom(codex.threadUnarchive(fork.id));
    console.log('unarchived the fork');
    await printList(codex, 'listed    ', ours);

    // compact(): the answer comes at once; the compaction itself is a turn that completes later.
    const compaction = firstValueFrom(
      codex.notifications$.pipe(
        ofMethod('turn/completed'),
        filter((n) => n.params.threadId === thread.id),
      ),
    );
    const compactedItem = firstValueFrom(
      codex.notifications$.pipe(
        ofMethod('item/completed'),
        filter((n) => n.params.threadId === thread.id && n.params.item.type === 'contextCompaction'),
      ),
    );
    await lastValueFrom(thread.compact());
    console.log('compact   requested');
    const [done, item] = await Promise.all([compaction, compactedItem]);
    console.log(`compacted: the compaction turn ${done.params.turn.status}, with a ${item.params.item.type} item`);
    const stored = await lastValueFrom(thread.read({ includeTurns: true }));
    console.log(`  the thread now has ${stored.thread.turns.length} turns: ${stored.thread.turns.map((t) => t.items.map((i) => i.type).join('+')).join(', ')}`);

    if (live) {
      for (const id of ours) await lastValueFrom(codex.threadArchive(id));
      console.log('archived both threads, so they do not clutter your history (threadUnarchive brings them back)');
    }
  } finally {
    await session.dispose();
  }
});

/** One line: the names of our threads on one `thread/list` page. */
async function printList(codex: Codex, label: string, ours: string[], archived = false): Promise<void> {
  const page = await lastValueFrom(codex.threadList({ archived, limit: 50 }));
  const mine = page.data.filter((t: protocol.v2.Thread) => ours.includes(t.id));
  const others = page.data.length - mine.length;
  console.log(`${label}${mine.map((t) => JSON.stringify(t.name)).join(', ') || '(none of ours)'}${others > 0 ? ` (+${others} other threads)` : ''}`);
}
