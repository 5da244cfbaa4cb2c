/** The validation specs' client over an in-memory server (payloads from spec/support/fake-server). */
import { lastValueFrom } from 'rxjs';
import { Codex } from '../../lib/codex.js';
import type { CodexConfig } from '../../lib/codex-config.js';
import type { Thread } from '../../lib/thread.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { agentMessage, THREAD_ID, threadStartResponse, turn, TURN_ID } from '../support/fake-server.js';

export { THREAD_ID, TURN_ID };

type Answer = ReadonlyArray<{ text: string; phase: 'commentary' | 'final_answer' | null }>;

/** item/completed notifications for these agent messages, then turn/completed. */
export function finishTurn(transport: InMemoryTransport, messages: Answer): void {
  messages.forEach((m, i) => {
    transport.notify('item/completed', { threadId: THREAD_ID, turnId: TURN_ID, item: agentMessage(`msg-${i}`, m.text, m.phase), completedAtMs: 1_700_000_102_000 });
  });
  transport.notify('turn/completed', { threadId: THREAD_ID, turn: turn(TURN_ID, 'completed') });
}

/** A Codex over an in-memory server that starts threads and answers turn/start with `answer`. */
export async function setup(config: Omit<CodexConfig, 'transport'> = {}, answer?: Answer) {
  const transport = new InMemoryTransport();
  transport.onRequest('thread/start', () => threadStartResponse());
  transport.onRequest('turn/start', () => {
    if (answer) queueMicrotask(() => finishTurn(transport, answer));
    return { turn: turn() };
  });
  const codex = new Codex({ ...config, transport });
  await lastValueFrom(codex.connect());
  const thread: Thread = await lastValueFrom(codex.threadStart());
  return { transport, codex, thread };
}

/** The requests the client sent for `method`. */
export function sentRequests(transport: InMemoryTransport, method: string) {
  return transport.sent.filter((m) => m.method === method && m.id !== undefined);
}
