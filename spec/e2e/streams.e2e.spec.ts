// Streams against the REAL `codex app-server` (pinned binary, scripted model, temp CODEX_HOME):
// command exec and processes (output streamed; unsubscribing ends the process on the host), file
// watching (a file this test writes arrives; unwatch on unsubscribe), fuzzy file search over this
// test's own workspace, thread search over threads this test created, review, live state.
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { filter, firstValueFrom, lastValueFrom, map, mergeMap, Subject, toArray } from 'rxjs';
import { toTurnResult, type Codex, type CommandEvent, type FileSearchSnapshot, type FsChange, type ProcessEvent, type Thread } from '../../lib/index';
import { message } from '../../lib/testing/index';
import { processesWithMarker } from '../samples/processes';
import { eventually, IDLE_STATS, Recorder, startE2E, type E2E } from '../support/e2e';

jest.setTimeout(60_000);

const outputText = (events: Array<CommandEvent | ProcessEvent>) =>
  events
    .filter((e) => e.type === 'output')
    .map((e) => (e.type === 'output' ? e.text : ''))
    .join('');

describe('Streams against the real app-server', () => {
  let e2e: E2E;
  let codex: Codex;

  beforeAll(async () => {
    e2e = await startE2E({ steps: [message('Pineapple salad: pineapple, mint, lime.'), message('Banana bread needs ripe bananas.')] });
    codex = e2e.codex;
  });

  afterEach(async () => {
    await eventually(() => expect(codex.stats).toEqual(IDLE_STATS));
  });

  afterAll(async () => {
    await e2e.dispose();
  });

  test('exec: output chunks stream before the exit; the exit code ends the stream', async () => {
    const recorder = new Recorder(codex.exec(['sh', '-c', 'echo first; sleep 0.3; echo second >&2; exit 3'], { cwd: e2e.home.workspace }));
    const first = await recorder.waitFor((e) => e.type === 'output');
    expect(first).toEqual(expect.objectContaining({ type: 'output', stream: 'stdout', text: 'first\n' }));
    expect(recorder.ended).toBe(false); // streamed: seen while the command still runs
    await recorder.whenEnded();
    expect(recorder.errors).toEqual([]);
    expect(recorder.values.map((e) => (e.type === 'output' ? `${e.stream}:${e.text}` : `exit:${e.exitCode}`))).toEqual(['stdout:first\n', 'stderr:second\n', 'exit:3']);
  });

  test('exec: unsubscribing terminates the command (command/exec/terminate) — the process is gone', async () => {
    const marker = randomUUID();
    const recorder = new Recorder(codex.exec(['sh', '-c', 'echo ready; exec sleep 30'], { env: { CODEX_RX_E2E: marker } }));
    await recorder.waitFor((e) => e.type === 'output' && e.text === 'ready\n');
    await eventually(() => expect(processesWithMarker('CODEX_RX_E2E', marker)).not.toEqual([]));
    const warnings: unknown[] = [];
    const w = codex.warnings$.subscribe((x) => warnings.push(x));
    recorder.unsubscribe();
    await eventually(() => expect(processesWithMarker('CODEX_RX_E2E', marker)).toEqual([]), 10_000);
    const terminates = e2e.sent.filter((m) => m.method === 'command/exec/terminate');
    expect(terminates).toEqual([expect.objectContaining({ params: { processId: e2e.sent.find((m) => m.method === 'command/exec' && m.params.env?.CODEX_RX_E2E === marker)!.params.processId } })]);
    await eventually(() => expect(codex.stats.pendingRequests).toBe(0)); // the late exec answer found its request
    w.unsubscribe();
    expect(warnings).toEqual([]);
  });

  test('exec and spawn: unsubscribing right after subscribing still leaves nothing running', async () => {
    await lastValueFrom(codex.connect());
    const marker = randomUUID();
    const warnings: unknown[] = [];
    const w = codex.warnings$.subscribe((x) => warnings.push(x));
    codex.exec(['sh', '-c', 'sleep 30'], { env: { CODEX_RX_E2E: marker } }).subscribe().unsubscribe();
    codex.spawn(['sh', '-c', 'sleep 30'], { cwd: e2e.home.workspace, env: { CODEX_RX_E2E: marker } }).subscribe().unsubscribe();
    await new Promise((resolve) => setTimeout(resolve, 1500)); // time for a process that escaped to show up
    await eventually(() => expect(processesWithMarker('CODEX_RX_E2E', marker)).toEqual([]), 10_000);
    await eventually(() => expect(codex.stats.pendingRequests).toBe(0));
    w.unsubscribe();
    expect(warnings).toEqual([]);
    const exec = e2e.sent.find((m) => m.method === 'command/exec' && m.params.env?.CODEX_RX_E2E === marker)!;
    const spawn = e2e.sent.find((m) => m.method === 'process/spawn' && m.params.env?.CODEX_RX_E2E === marker)!;
    expect(e2e.sent.filter((m) => m.method === 'command/exec/terminate' && m.params.processId === exec.params.processId)).toHaveLength(1);
    expect(e2e.sent.filter((m) => m.method === 'process/kill' && m.params.processHandle === spawn.params.processHandle)).toHaveLength(1);
  });

  test('exec: stdin reaches the command and is closed when the input completes', async () => {
    const stdin = new Subject<string>();
    const done = lastValueFrom(codex.exec(['sh', '-c', 'tr a-z A-Z'], { stdin }).pipe(toArray()));
    stdin.next('hello ');
    stdin.next('streams\n');
    stdin.complete();
    const events = await done;
    expect(outputText(events)).toBe('HELLO STREAMS\n');
    expect(events[events.length - 1]).toEqual(expect.objectContaining({ type: 'exit', exitCode: 0 }));
  });

  test('spawn: output, then process/exited; unsubscribing kills a running process (process/kill)', async () => {
    const events = await lastValueFrom(codex.spawn(['sh', '-c', 'echo spawned'], { cwd: e2e.home.workspace }).pipe(toArray()));
    expect(outputText(events)).toBe('spawned\n');
    expect(events[events.length - 1]).toEqual(expect.objectContaining({ type: 'exit', exitCode: 0 }));

    const marker = randomUUID();
    const recorder = new Recorder(codex.spawn(['sh', '-c', 'echo up; exec sleep 30'], { cwd: e2e.home.workspace, env: { CODEX_RX_E2E: marker } }));
    await recorder.waitFor((e) => e.type === 'output');
    expect(processesWithMarker('CODEX_RX_E2E', marker)).not.toEqual([]);
    recorder.unsubscribe();
    await eventually(() => expect(processesWithMarker('CODEX_RX_E2E', marker)).toEqual([]), 10_000);
    const handle = e2e.sent.find((m) => m.method === 'process/spawn' && m.params.env?.CODEX_RX_E2E === marker)!.params.processHandle;
    expect(e2e.sent.filter((m) => m.method === 'process/kill' && m.params.processHandle === handle)).toHaveLength(1);
  });

  test('watch: a file this test writes arrives as fs/changed; unsubscribing sends fs/unwatch and the events stop', async () => {
    const dir = path.join(e2e.home.workspace, 'watched');
    await fs.mkdir(dir, { recursive: true });
    const recorder = new Recorder<FsChange>(codex.watch(dir));
    await eventually(() => expect(e2e.sent.some((m) => m.method === 'fs/watch' && m.params.path === dir)).toBe(true));
    const watchId = e2e.sent.find((m) => m.method === 'fs/watch' && m.params.path === dir)!.params.watchId as string;
    await eventually(() => expect(codex.stats.pendingRequests).toBe(0)); // the watch is in place
    const file = path.join(dir, 'hello.txt');
    // Some watchers coalesce or miss a write right after they start: write until one is seen.
    const change = recorder.waitFor((c) => c.changedPaths.some((p) => p.endsWith('hello.txt')), 10_000);
    for (let i = 0; i < 20 && recorder.values.length === 0; i++) {
      await fs.writeFile(file, `hello ${i}\n`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect((await change).changedPaths).toContain(await fs.realpath(file));

    const after: string[] = [];
    const tap = codex.notifications$
      .pipe(filter((n) => n.method === 'fs/changed' && (n.params as { watchId: string }).watchId === watchId))
      .subscribe((n) => after.push(JSON.stringify(n.params)));
    recorder.unsubscribe();
    await eventually(() => expect(e2e.sent.filter((m) => m.method === 'fs/unwatch')).toEqual([expect.objectContaining({ params: { watchId } })]));
    await eventually(() => expect(codex.stats.pendingRequests).toBe(0));
    await fs.writeFile(path.join(dir, 'after.txt'), 'after\n');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    tap.unsubscribe();
    expect(after).toEqual([]);
  });

  test('fileSearch: a typeahead over this test\'s own workspace; stale results are dropped; the session stops', async () => {
    const root = path.join(e2e.home.workspace, 'search-root');
    for (const f of ['src/app.component.ts', 'src/app.service.ts', 'src/main.ts', 'README.md']) {
      await fs.mkdir(path.dirname(path.join(root, f)), { recursive: true });
      await fs.writeFile(path.join(root, f), '// x\n');
    }
    const queries = new Subject<string>();
    const snapshots = new Recorder<FileSearchSnapshot>(queries.pipe(codex.fileSearch([root])));
    queries.next('app');
    // The server may report a query complete before its index is walked, then refine: wait for the files.
    const app = await snapshots.waitFor((s) => s.query === 'app' && s.files.length === 2);
    expect(app.files.map((f) => f.path).sort()).toEqual(['src/app.component.ts', 'src/app.service.ts']);
    queries.next('main');
    await snapshots.waitFor((s) => s.query === 'main' && s.files.length > 0);
    queries.complete();
    await snapshots.whenEnded();
    expect(snapshots.errors).toEqual([]);
    const last = snapshots.values[snapshots.values.length - 1]!;
    expect(last).toEqual(expect.objectContaining({ query: 'main', done: true }));
    expect(last.files.map((f) => f.path)).toEqual(['src/main.ts']);
    // Once 'main' was asked, nothing about 'app' was emitted any more.
    const firstMain = snapshots.values.findIndex((s) => s.query === 'main');
    expect(snapshots.values.slice(firstMain).every((s) => s.query === 'main')).toBe(true);
    await eventually(() => expect(e2e.sent.filter((m) => m.method === 'fuzzyFileSearch/sessionStop')).toHaveLength(1));
  });

  test('threadSearch: finds the thread this test created by its words, not the other one', async () => {
    const run = (text: string) => lastValueFrom(codex.threadStart().pipe(mergeMap((t) => t.run(text).pipe(map(() => t)))));
    const pineapple = await run('Tell me about pineapple salad');
    const banana = await run('Tell me about banana bread');
    const updates = await lastValueFrom(codex.threadSearch('pineapple').pipe(toArray()));
    const final = updates[updates.length - 1]!;
    expect(final.final).toBe(true);
    expect(updates.slice(0, -1).every((u) => !u.final)).toBe(true);
    const ids = final.results.map((r) => r.thread.id);
    expect(ids).toContain(pineapple.id);
    expect(ids).not.toContain(banana.id);
    expect(e2e.sent.filter((m) => m.method === 'thread/search/stream/cancel')).toEqual([]); // completed: nothing to cancel
  });

  test('review: a turn stream that toTurnResult() reduces', async () => {
    e2e.model.reset();
    const thread: Thread = await firstValueFrom(codex.threadStart());
    const result = await lastValueFrom(thread.review({ type: 'custom', instructions: 'Review the README for typos' }).pipe(toTurnResult()));
    expect(result.status).toBe('completed');
    expect(result.items.map((i) => i.type)).toEqual(expect.arrayContaining(['enteredReviewMode', 'exitedReviewMode']));
  });

  test('review: a running review is the active turn, and thread.interrupt() stops it', async () => {
    e2e.model.reset();
    e2e.model.enqueue(message('Reviewing slowly and never finishing.', { chunks: 3, hang: true }));
    const thread: Thread = await firstValueFrom(codex.threadStart());
    const review = new Recorder(thread.review({ type: 'custom', instructions: 'Review the README for typos' }));
    const started = await review.waitFor((e) => e.method === 'turn/started');
    const runningId = (started.params as { turn: { id: string } }).turn.id;
    await eventually(() => expect(thread.activeTurn).toBe(runningId));
    // The review asked the model (turn/started comes first): its hanging answer is used up, not
    // left queued for the next test.
    await e2e.model.waitForResponseRequests(1);
    expect(e2e.model.pending).toBe(0);
    await lastValueFrom(thread.interrupt(), { defaultValue: undefined });
    await review.whenEnded();
    expect(review.errors).toEqual([]);
    const last = review.values[review.values.length - 1];
    expect(last.method).toBe('turn/completed');
    expect((last.params as { turn: { status: string } }).turn.status).toBe('interrupted');
    expect(e2e.sent.filter((m) => m.method === 'turn/interrupt' && m.params.threadId === thread.id)).toEqual([
      expect.objectContaining({ params: { threadId: thread.id, turnId: runningId } }),
    ]);
    expect(thread.activeTurn).toBeUndefined();
  });

  test('thread.status$ and thread.name$: the read value, then each change', async () => {
    const thread: Thread = await firstValueFrom(codex.threadStart());
    const statuses = new Recorder(thread.status$.pipe(map((s) => s.type)));
    const names = new Recorder(thread.name$);
    await statuses.waitFor((s) => s === 'idle');
    await names.waitFor((n) => n === null);
    await lastValueFrom(thread.setName('Streams e2e'));
    await lastValueFrom(thread.run('Hello'));
    await names.waitFor((n) => n === 'Streams e2e');
    await eventually(() => expect(statuses.values).toEqual(['idle', 'active', 'idle']));
    statuses.unsubscribe();
    names.unsubscribe();
    expect(statuses.errors).toEqual([]);
  });

  test('a dropped connection errors every live stream with TransportClosedError', async () => {
    const other = await startE2E();
    try {
      const live = [
        new Recorder<unknown>(other.codex.exec(['sleep', '30'])),
        new Recorder<unknown>(other.codex.watch(other.home.workspace)),
        new Recorder<unknown>(other.codex.remoteControlStatus$),
      ];
      await eventually(() => expect(other.transport.pid).toBeDefined());
      await eventually(() => expect(other.sent.some((m) => m.method === 'fs/watch')).toBe(true));
      process.kill(other.transport.pid!, 'SIGKILL');
      for (const r of live) await r.whenEnded();
      expect(live.map((r) => (r.errors[0] as Error)?.name)).toEqual(['TransportClosedError', 'TransportClosedError', 'TransportClosedError']);
    } finally {
      await other.dispose();
    }
  });
});


