import { Connection } from '../../lib/rpc/connection.js';
import { InMemoryTransport } from '../../lib/transport/in-memory-transport.js';
import { clientInfo } from '../rpc/support.js';

// Kept apart from methods.spec.ts: a type error here fails only this suite.

describe('Connection.request typing', () => {
  const connection = new Connection(new InMemoryTransport(), { clientInfo });

  it('rejects params of the wrong shape for a known method at compile time', () => {
    // A known method must not fall through to the untyped `request(method: string, params?: unknown)`
    // overload: a misspelt or mistyped field would otherwise compile as Observable<unknown>.
    // @ts-expect-error cwd must be a string
    connection.request('thread/start', { cwd: 123 });
    // @ts-expect-error threadID is not a field of TurnStartParams
    connection.request('turn/start', { threadID: 't', input: [] });
    expect(connection.state).toBe('idle');
  });

  it('still accepts a method the protocol tables do not know', () => {
    connection.request('some/futureMethod', { anything: 1 });
    expect(connection.state).toBe('idle');
  });
});
