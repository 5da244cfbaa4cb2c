import { firstValueFrom, tap } from 'rxjs';
import { pageLibrary } from '../support/page-library.js';
import { flush, record } from '../support/settle.js';
import * as kit from '../../lib/testing/payloads/index.js';
import { agentMessageItem, FAKE_THREAD_ID as THREAD_ID, FAKE_TURN_ID as TURN_ID, itemStarted, threadInfo, turnCompleted, turnInfo } from '../../lib/testing/payloads/index.js';

// The recorders of attached turns load with the streams chunk (lib/turn/lazy-recorders.ts).
// Here the client runs as a page does: fresh modules, nothing preloaded.

describe('attached turns on a page (the recorders load on first use)', () => {
  it('what a gateway replays right after the thread/resume answer, while the chunk loads, reaches a later attach once', async () => {
    const lib = pageLibrary();
    const transport = new lib.InMemoryTransport();
    const running = threadInfo({ id: THREAD_ID, turns: [turnInfo({ id: TURN_ID, status: 'inProgress' })] });
    transport.onRequest('thread/resume', () => kit.threadResumeResponse(running));
    const codex = new lib.Codex({ transport });
    const replayed = itemStarted(agentMessageItem('msg-1', ''));
    // At once after the answer: the chunk is still loading, nothing has been built to hear it.
    const thread = await firstValueFrom(codex.threadResume(THREAD_ID).pipe(tap(() => transport.emit(replayed))));
    await flush(); // the chunk loads
    expect(thread.runningTurnId).toBe(TURN_ID);
    transport.clearSent();
    const attached = record(thread.attach(TURN_ID));
    transport.emit(turnCompleted());
    await flush();
    expect(attached.error).toBeUndefined();
    expect(attached.values.map((e) => e.method)).toEqual(['turn/started', 'item/started', 'turn/completed']);
    expect(transport.sent.map((m) => (m as { method?: string }).method)).not.toContain('thread/read'); // the record came with the resume
    expect(attached.done).toBe(true);
    expect(thread.runningTurnId).toBeUndefined();
    await codex.close();
  });
});
