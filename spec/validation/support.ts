/** The validation specs' client: the testing kit's FakeAppServer, its turns scripted from a list of agent messages. */
import { lastValueFrom } from 'rxjs';
import { ValidationError } from '../../lib/errors.js';
import type { CodexConfig } from '../../lib/codex-config.js';
import type { Thread } from '../../lib/thread.js';
import type { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { FAKE_THREAD_ID, FAKE_TURN_ID, FakeAppServer, scriptTurn } from '../../lib/testing/index.js';

export const THREAD_ID = FAKE_THREAD_ID;
export const TURN_ID = FAKE_TURN_ID;

type Answer = ReadonlyArray<{ text: string; phase: 'commentary' | 'final_answer' | null }>;

/**
 * A Codex on a fake app-server with one thread open. With `answer`, the first turn says those
 * agent messages and completes; without, turns start and stay running.
 */
export async function setup(config: Omit<CodexConfig, 'transport'> = {}, answer?: Answer) {
  const server = new FakeAppServer({ defaultTurn: scriptTurn().hang() });
  if (answer) server.enqueueTurn(answer.reduce((script, m) => script.agentMessage(m.text, { phase: m.phase ?? undefined }), scriptTurn()).complete());
  const codex = server.createClient(config);
  await lastValueFrom(codex.connect());
  const thread: Thread = await lastValueFrom(codex.threadStart());
  return { server, transport: server.transport, codex, thread };
}

/** The requests the client sent for `method`. */
export function sentRequests(transport: InMemoryTransport, method: string) {
  return transport.sent.filter((m) => m.method === method && m.id !== undefined);
}

/** The ValidationError `p` rejects with (fails the test when it resolves or rejects with something else). */
export async function failure(p: Promise<unknown>): Promise<ValidationError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(ValidationError.is(e)).toBe(true);
  return e as ValidationError;
}
