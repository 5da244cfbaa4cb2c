/** codexState: the UI state of a connection, decided from the link's facts. */
import type { ConnectionState } from '../../lib/rpc/connection-types.js';
import { codexState, type LinkFacts } from '../../lib/rpc/link-state.js';

const facts = (state: ConnectionState, more: Partial<LinkFacts> = {}): LinkFacts => ({ state, generation: 1, closedByClient: false, retryable: false, live: 0, ...more });

describe('codexState', () => {
  it('first connection: idle, connecting, open', () => {
    expect(codexState(facts('idle'))).toBe('idle');
    expect(codexState(facts('connecting'))).toBe('connecting');
    expect(codexState(facts('ready'))).toBe('open');
  });

  it('close() wins over everything', () => {
    for (const state of ['idle', 'connecting', 'ready', 'closed'] as const) expect(codexState(facts(state, { closedByClient: true, retryable: true, live: 1 }))).toBe('closed');
  });

  it('a reopening connects as "reconnecting"; an idle link reconnects only with live subscribers', () => {
    expect(codexState(facts('connecting', { generation: 2 }))).toBe('reconnecting');
    expect(codexState(facts('idle', { generation: 2, live: 1 }))).toBe('reconnecting');
    expect(codexState(facts('idle', { generation: 2 }))).toBe('idle');
  });

  it('a drop: closed for good when not retryable; else reconnecting with live subscribers, idle without', () => {
    expect(codexState(facts('closed', { live: 3 }))).toBe('closed');
    expect(codexState(facts('closed', { retryable: true, live: 1 }))).toBe('reconnecting');
    expect(codexState(facts('closed', { retryable: true }))).toBe('idle');
  });
});
