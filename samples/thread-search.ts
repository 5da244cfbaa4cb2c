/**
 * thread-search — search stored threads with `codex.threadSearch(term)`.
 *
 *   npx tsx samples/thread-search.ts          the real codex app-server with a scripted model
 *   npx tsx samples/thread-search.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * `thread/search/stream` (app-server 0.171.0+) reports matches as it finds them
 * (`thread/search/partial`, emitted with `final: false`, rows accumulated) and then answers the
 * authoritative, sorted page (`final: true`), and the stream completes. Unsubscribing before that
 * sends `thread/search/stream/cancel`. This sample first creates three threads to find.
 */
import { lastValueFrom, map, mergeMap, tap } from 'rxjs';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';

const PROMPTS = ['Give me a pineapple salsa recipe in one line.', 'How long do I bake banana bread? One line.', 'One line: is pineapple on pizza allowed?'];
const SCRIPT = [
  message('Pineapple salsa: dice pineapple, red onion, chili and cilantro, add lime juice.'),
  message('Bake banana bread at 175 °C for about 60 minutes.'),
  message('Pineapple on pizza is allowed — and delicious.'),
];

runSample(async ({ live }) => {
  const session = await openSession({ live, steps: SCRIPT });
  const { codex, dispose } = session;
  try {
    console.log(`thread-search · ${session.description}`);
    const created: string[] = [];
    for (const prompt of PROMPTS) {
      const id = await lastValueFrom(codex.threadStart().pipe(mergeMap((t) => t.run(prompt).pipe(map(() => t.id)))));
      created.push(id);
      console.log(`created thread ${created.length}: "${prompt}"`);
    }

    console.log('── searching "pineapple" ──');
    const final = await lastValueFrom(
      codex.threadSearch('pineapple', { limit: 10 }).pipe(tap((u) => !u.final && console.log(`  partial: ${u.results.length} row(s) so far`))),
    );
    const ours = final.results.filter((r) => created.includes(r.thread.id));
    console.log(`final page: ${final.results.length} thread(s), ${ours.length} of the ones just created`);
    for (const r of ours) console.log(`  thread ${created.indexOf(r.thread.id) + 1}: ${JSON.stringify(r.thread.preview)}`);
    console.log(`thread 2 (banana bread) ${final.results.some((r) => r.thread.id === created[1]) ? 'was' : 'was not'} found`);
  } finally {
    await dispose();
  }
});
