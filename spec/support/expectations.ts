/** Jest-side expectations the client specs share (no fake server here: that is the public kit, lib/testing). */
import { TestScheduler } from 'rxjs/testing';
import type { Codex } from '../../lib/codex.js';

/** A TestScheduler whose assertions are Jest's (asymmetric matchers work in expected values). */
export function testScheduler(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

/** Matches an error of the codex-rx class `cls` (Jest's toEqual alone compares only messages). */
export function anError(cls: { readonly name: string }, props: Record<string, unknown> = {}) {
  return expect.objectContaining({ name: cls.name, ...props });
}

/** Everything the connection tracks is back to zero. */
export function expectIdle(codex: Codex): void {
  expect(codex.stats).toEqual({ pendingRequests: 0, pendingServerRequests: 0, routes: 0, claimedThreads: 0, bufferedMessages: 0, trackedRequests: 0 });
}
