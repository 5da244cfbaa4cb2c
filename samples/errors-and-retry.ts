/**
 * errors-and-retry — what failure looks like, and what to do about it.
 *
 *   npx tsx samples/errors-and-retry.ts          the real codex app-server with a scripted model
 *   npx tsx samples/errors-and-retry.ts --live   the real model (your Codex login or OPENAI_API_KEY)
 *
 * 1. A turn that fails: the scripted model answers HTTP 500 (Codex is set not to retry), the
 *    turn completes `failed`, and `run()` errors with TurnFailedError. With --live a 500 cannot
 *    be ordered, so the turn asks for a model that does not exist instead.
 * 2. An overloaded server: the app-server answers -32001 "Server overloaded; retry later" when
 *    its queue is full — nothing ran, so a retry is safe. `retryOnOverload()` retries with
 *    backoff. A real overload is hard to provoke on demand, so here a wire tap answers the first
 *    two `model/list` requests with that exact error (everything else reaches the app-server).
 * 3. A bad option or input: ValidationError, before anything is sent.
 *
 * Every error extends CodexError; `X.is(e)` works across duplicate package copies; and
 * `isRetryableError(e)` says whether trying again is safe.
 */
import { defer, lastValueFrom, tap } from 'rxjs';
import { CodexError, isRetryableError, retryOnOverload, ServerBusyError, TurnFailedError, ValidationError } from '../lib/index.js';
import { message } from '../lib/testing/index.js';
import { openSession, runSample } from './support/session.js';
import { WireTap, type WireMessage } from './support/wire-tap.js';

const SCRIPT = [{ httpError: { status: 500 } }, message('Fine this time.')];

runSample(async ({ live }) => {
  // The wire tap plays an overloaded server for the first two `model/list` requests.
  let overloads = 2;
  const overloaded = (m: WireMessage) =>
    m.method === 'model/list' && overloads-- > 0 ? { id: m.id, error: { code: -32001, message: 'Server overloaded; retry later' } } : undefined;
  let wire: WireTap | undefined;
  const session = await openSession({ live, steps: SCRIPT, wrapTransport: (stdio) => (wire = new WireTap(stdio, overloaded)) });
  const { codex, dispose } = session;
  try {
    console.log(`errors-and-retry · ${session.description}`);

    // 1. A failed turn.
    console.log('── 1. a turn that fails ──');
    const thread = codex.thread();
    try {
      await lastValueFrom(thread.run('Say something.', live ? { model: 'codex-rx-no-such-model' } : undefined));
      console.log('  the turn did not fail (unexpected)');
    } catch (e) {
      if (!TurnFailedError.is(e)) throw e;
      const info = e.turnError; // typed: the server's TurnError (message, codexErrorInfo, …)
      console.log(`  TurnFailedError: ${e.message}`);
      console.log(`  turnId ${e.turnId} · codexErrorInfo ${JSON.stringify(info?.codexErrorInfo ?? null)} · retryable: ${isRetryableError(e)}`);
    }
    if (!live) {
      const again = await lastValueFrom(thread.run('Say something.'));
      console.log(`  the thread is still usable: the next turn ${again.status} ("${again.finalResponse}")`);
    }

    // 2. Overloaded: -32001, retried.
    console.log('── 2. an overloaded server (-32001) ──');
    try {
      await lastValueFrom(codex.models());
    } catch (e) {
      if (!ServerBusyError.is(e)) throw e;
      console.log(`  without a retry: ServerBusyError "${e.message}" · code ${e.code} · retryable: ${isRetryableError(e)}`);
    }
    let attempt = 0;
    const models = await lastValueFrom(
      defer(() => {
        attempt++;
        return codex.models();
      }).pipe(
        tap({ error: (e: Error) => console.log(`  attempt ${attempt}: ${e.constructor.name}, retrying after a backoff`) }),
        retryOnOverload({ maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1000 }),
      ),
    );
    console.log(`  attempt ${attempt}: ok, ${models.data.length} model(s) listed, first ${models.data[0]?.id}`);

    // 3. Refused before sending.
    console.log('── 3. refused before anything is sent ──');
    const sentBefore = wire!.sent.length;
    const requestsBefore = session.model?.responseRequests.length;
    const mistakes = [
      ['an unknown option', () => thread.run('hi', { temperature: 0.2 } as never)],
      ['a value the protocol does not allow', () => thread.run('hi', { summary: 'verbose' as never })],
      ['an empty input', () => thread.run([])],
    ] as const;
    for (const [what, call] of mistakes) {
      try {
        await lastValueFrom(call());
      } catch (e) {
        if (!ValidationError.is(e)) throw e;
        console.log(`  ${what}: ValidationError "${e.message}" · issues ${JSON.stringify(e.issues)}`);
        console.log(`    a CodexError: ${CodexError.is(e)} · retryable: ${isRetryableError(e)}`);
      }
    }
    console.log(`  messages sent to the app-server meanwhile: ${wire!.sent.length - sentBefore}`);
    if (session.model) console.log(`  requests the scripted model got meanwhile: ${session.model.responseRequests.length - requestsBefore!}`);
  } finally {
    await dispose();
  }
});
